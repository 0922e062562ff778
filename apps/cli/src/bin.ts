console.log("mlffd");
