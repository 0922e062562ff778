"""EMT that sleeps before each calculation: a test client that is busy long enough to be
killed in the middle of a structure."""
import time

from ase.calculators.emt import EMT


class SlowEMT(EMT):
    def __init__(self, delay=1.0, **kwargs):
        super().__init__(**kwargs)
        self.delay = delay

    def calculate(self, *args, **kwargs):
        time.sleep(self.delay)
        super().calculate(*args, **kwargs)
