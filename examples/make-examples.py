"""Regenerates the shipped example structures with ASE (Debian python3-ase 3.22.1).

    /usr/bin/python3 examples/make-examples.py

argon-fcc-256.extxyz: 4x4x4 conventional fcc cells of argon (a = 5.26 Å, near the LJ
minimum at 94 K), rattled by 0.02 Å, Maxwell-Boltzmann momenta at 94.4 K (seed 2026).
argon-cluster-55.extxyz: a 55-atom Mackay icosahedron of argon, no cell, no momenta.
"""
import pathlib
import numpy as np
from ase.build import bulk
from ase.cluster import Icosahedron
from ase.io import write
from ase.md.velocitydistribution import MaxwellBoltzmannDistribution, Stationary
from ase import units

here = pathlib.Path(__file__).resolve().parent
rng = np.random.RandomState(2026)
argon = bulk('Ar', 'fcc', a=5.26, cubic=True).repeat((4, 4, 4))
argon.rattle(0.02, rng=rng)
MaxwellBoltzmannDistribution(argon, temperature_K=94.4, rng=rng)
Stationary(argon)
argon.info['comment'] = 'fcc argon, a=5.26 A, 94.4 K'
write(here / 'argon-fcc-256.extxyz', argon, format='extxyz')

cluster = Icosahedron('Ar', noshells=3, latticeconstant=5.26)
cluster.center()
write(here / 'argon-cluster-55.extxyz', cluster, format='extxyz')
print('wrote', len(argon), 'and', len(cluster), 'atoms')
