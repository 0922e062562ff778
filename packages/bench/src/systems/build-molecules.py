#!/usr/bin/python3
"""Builds the starting geometries of packages/bench/src/systems/molecules.extxyz.

water, methane, ethanol, benzene: ase.build.molecule (ASE 3.22.1, G2 set geometries).
aspirin, alanine-dipeptide: Z-matrices of standard bond lengths and angles (below), placed
with the natural extension reference frame (NeRF) method.
Every molecule is then optimised with GFN2-xTB (`xtb start.xyz --opt tight`); see README.md.
Usage (from packages/bench):
  /usr/bin/python3 src/systems/build-molecules.py start OUTDIR   writes OUTDIR/<name>.xyz (starting points)
  (cd OUTDIR && for m in ...; do mkdir opt-$m && cp $m.xyz opt-$m/start.xyz &&
     (cd opt-$m && xtb start.xyz --opt tight); done)
  /usr/bin/python3 src/systems/build-molecules.py finish OUTDIR  reads OUTDIR/opt-<name>/xtbopt.xyz, writes
     molecules.extxyz and molecules.data.ts beside this script
"""
import re
import sys
import numpy as np
from ase import Atoms
from ase.build import molecule
from ase.io import write


def place(a, b, c, bond, angle, dihedral):
    """Position of D bonded to C with angle B-C-D and dihedral A-B-C-D (degrees)."""
    a, b, c = map(np.asarray, (a, b, c))
    theta, phi = np.radians(angle), np.radians(dihedral)
    bc = c - b
    bc /= np.linalg.norm(bc)
    n = np.cross(b - a, bc)
    n /= np.linalg.norm(n)
    m = np.cross(n, bc)
    d2 = np.array([-bond * np.cos(theta), bond * np.sin(theta) * np.cos(phi), bond * np.sin(theta) * np.sin(phi)])
    return c + d2[0] * bc + d2[1] * m + d2[2] * n


def build(zmat):
    """zmat rows: (symbol, label, [(ref_c, bond), (ref_b, angle), (ref_a, dihedral)])."""
    pos, sym, idx = [], [], {}
    for row in zmat:
        s, label, refs = row
        if len(pos) == 0:
            p = np.zeros(3)
        elif len(pos) == 1:
            p = np.array([refs[0][1], 0.0, 0.0])
        elif len(pos) == 2:
            c, b = pos[idx[refs[0][0]]], pos[idx[refs[1][0]]]
            # in the xy plane
            fake_a = b + np.array([0.0, 1.0, 0.0]) if abs((c - b)[1]) < 0.9 * np.linalg.norm(c - b) else b + np.array([0.0, 0.0, 1.0])
            p = place(fake_a, b, c, refs[0][1], refs[1][1], 0.0)
        else:
            (rc, bond), (rb, ang), (ra, dih) = refs
            p = place(pos[idx[ra]], pos[idx[rb]], pos[idx[rc]], bond, ang, dih)
        idx[label] = len(pos)
        pos.append(p)
        sym.append(s)
    return Atoms(sym, positions=pos), idx


ASPIRIN = [
    ('C', 'C1', []),
    ('C', 'C2', [('C1', 1.40)]),
    ('C', 'C3', [('C2', 1.39), ('C1', 120)]),
    ('C', 'C4', [('C3', 1.39), ('C2', 120), ('C1', 0)]),
    ('C', 'C5', [('C4', 1.39), ('C3', 120), ('C2', 0)]),
    ('C', 'C6', [('C5', 1.39), ('C4', 120), ('C3', 0)]),
    # carboxylic acid on C1: C=O towards the ester side, O-H away
    ('C', 'C7', [('C1', 1.48), ('C2', 120), ('C3', 180)]),
    ('O', 'O8', [('C7', 1.22), ('C1', 123), ('C2', 0)]),
    ('O', 'O9', [('C7', 1.34), ('C1', 113), ('C2', 180)]),
    ('H', 'H9', [('O9', 0.97), ('C7', 106), ('C1', 180)]),
    # acetyl ester on C2, acetyl plane roughly perpendicular to the ring
    ('O', 'O10', [('C2', 1.40), ('C1', 120), ('C6', 180)]),
    ('C', 'C11', [('O10', 1.36), ('C2', 118), ('C1', 90)]),
    ('O', 'O12', [('C11', 1.20), ('O10', 123), ('C2', 0)]),
    ('C', 'C13', [('C11', 1.50), ('O10', 110), ('C2', 180)]),
    ('H', 'H13a', [('C13', 1.09), ('C11', 109.5), ('O10', 60)]),
    ('H', 'H13b', [('C13', 1.09), ('C11', 109.5), ('O10', 180)]),
    ('H', 'H13c', [('C13', 1.09), ('C11', 109.5), ('O10', -60)]),
    ('H', 'H3', [('C3', 1.08), ('C2', 120), ('C1', 180)]),
    ('H', 'H4', [('C4', 1.08), ('C3', 120), ('C2', 180)]),
    ('H', 'H5', [('C5', 1.08), ('C4', 120), ('C3', 180)]),
    ('H', 'H6', [('C6', 1.08), ('C5', 120), ('C4', 180)]),
]


def alanine_dipeptide(cb_dihedral):
    # Ace-Ala-Nme in the C7eq conformation (phi = -83, psi = 73), trans peptide bonds.
    phi, psi = -83.0, 73.0
    return [
        ('C', 'CH3', []),
        ('C', 'C', [('CH3', 1.51)]),
        ('O', 'O', [('C', 1.23), ('CH3', 121)]),
        ('N', 'N', [('C', 1.34), ('CH3', 115), ('O', 180)]),
        ('H', 'H1', [('CH3', 1.09), ('C', 109.5), ('O', 0)]),
        ('H', 'H2', [('CH3', 1.09), ('C', 109.5), ('O', 120)]),
        ('H', 'H3', [('CH3', 1.09), ('C', 109.5), ('O', -120)]),
        ('C', 'CA', [('N', 1.46), ('C', 122), ('CH3', 180)]),
        ('H', 'HN', [('N', 1.01), ('C', 119), ('CH3', 0)]),
        ('C', 'C2', [('CA', 1.53), ('N', 111), ('C', phi)]),
        ('O', 'O2', [('C2', 1.23), ('CA', 121), ('N', psi + 180)]),
        ('N', 'N2', [('C2', 1.34), ('CA', 116), ('N', psi)]),
        ('C', 'CB', [('CA', 1.53), ('N', 110), ('C', phi + cb_dihedral)]),
        ('H', 'HA', [('CA', 1.09), ('N', 109), ('C', phi - cb_dihedral)]),
        ('H', 'HB1', [('CB', 1.09), ('CA', 109.5), ('N', 60)]),
        ('H', 'HB2', [('CB', 1.09), ('CA', 109.5), ('N', 180)]),
        ('H', 'HB3', [('CB', 1.09), ('CA', 109.5), ('N', -60)]),
        ('C', 'CH3b', [('N2', 1.46), ('C2', 122), ('CA', 180)]),
        ('H', 'HN2', [('N2', 1.01), ('C2', 119), ('CA', 0)]),
        ('H', 'H4', [('CH3b', 1.09), ('N2', 109.5), ('C2', 60)]),
        ('H', 'H5', [('CH3b', 1.09), ('N2', 109.5), ('C2', 180)]),
        ('H', 'H6', [('CH3b', 1.09), ('N2', 109.5), ('C2', -60)]),
    ]


def is_l(atoms, idx):
    """CORN rule: seen from HA, C(O) -> R(CB) -> N run clockwise for L amino acids."""
    p = atoms.positions
    ca = p[idx['CA']]
    v = np.dot(np.cross(p[idx['C2']] - ca, p[idx['CB']] - ca), p[idx['HA']] - ca)
    return v < 0


NAMES = ['water', 'methane', 'ethanol', 'benzene', 'aspirin', 'alanine-dipeptide']
SOURCES = {
    'water': 'ase.build.molecule(H2O)+GFN2-xTB_opt',
    'methane': 'ase.build.molecule(CH4)+GFN2-xTB_opt',
    'ethanol': 'ase.build.molecule(CH3CH2OH)+GFN2-xTB_opt',
    'benzene': 'ase.build.molecule(C6H6)+GFN2-xTB_opt',
    'aspirin': 'zmatrix+GFN2-xTB_opt',
    'alanine-dipeptide': 'zmatrix_C7eq+GFN2-xTB_opt',
}


def finish(out):
    import os
    from ase.io import read
    here = os.path.dirname(os.path.abspath(__file__))
    dest = here
    frames = []
    for name in NAMES:
        a = read(f'{out}/opt-{name}/xtbopt.xyz')
        log = open(f'{out}/opt-{name}/xtb.log').read()
        energy = float(re.search(r'TOTAL ENERGY\s+(-?\d+\.\d+) Eh', log).group(1))
        a.positions -= a.get_center_of_mass()
        a.info = {'name': name, 'source': SOURCES[name], 'xtb_energy_hartree': energy}
        frames.append(a)
    path = os.path.join(dest, 'molecules.extxyz')
    write(path, frames, format='extxyz')
    text = open(path).read()
    assert '`' not in text and '${' not in text and '\\' not in text
    with open(os.path.join(dest, 'molecules.data.ts'), 'w') as f:
        f.write('// Generated by src/systems/build-molecules.py from molecules.extxyz; do not edit.\n')
        f.write('// Provenance: README.md in this folder.\n\n')
        f.write('/** The shipped molecule library as extended XYZ text (ASE 3.22.1 format, one frame each). */\n')
        f.write('export const MOLECULES_EXTXYZ = `' + text + '`;\n')
    print('wrote', path)


def main(out):
    mols = {
        'water': molecule('H2O'),
        'methane': molecule('CH4'),
        'ethanol': molecule('CH3CH2OH'),
        'benzene': molecule('C6H6'),
    }
    asp, _ = build(ASPIRIN)
    mols['aspirin'] = asp
    for sign in (120.0, -120.0):
        ala, idx = build(alanine_dipeptide(sign))
        if is_l(ala, idx):
            print('alanine dipeptide: L with CB at phi %+g' % sign)
            break
    else:
        raise SystemExit('no L isomer')
    mols['alanine-dipeptide'] = ala
    for name, atoms in mols.items():
        atoms.center()
        write(f'{out}/{name}.xyz', atoms, format='xyz')
        print(name, atoms.get_chemical_formula(), len(atoms))


if __name__ == '__main__':
    if sys.argv[1] == 'start':
        main(sys.argv[2])
    elif sys.argv[1] == 'finish':
        finish(sys.argv[2])
    else:
        raise SystemExit(__doc__)
