#!/usr/bin/env python3
"""Serve any ASE calculator over the i-PI socket protocol (the client end).

Part of @mlff-distiller/backend-ipi. The bridge connects to an i-PI server -- MLFF
Distiller's ``IpiServer``, ASE's ``SocketIOCalculator``, i-PI itself -- and answers its
requests with an ASE calculator given by import path::

    python3 mlffd_ipi_bridge.py --calculator ase.calculators.emt:EMT --port 31415
    python3 mlffd_ipi_bridge.py --calculator mace.calculators:mace_mp \\
        --options '{"model": "medium", "device": "cpu", "default_dtype": "float64"}' \\
        --unix teacher

Species. The i-PI protocol carries positions and cell, never atomic numbers. MLFF
Distiller's server sends them, with the periodicity, as JSON in the INIT string
(``{"numbers": [...], "pbc": [...]}``) before every structure; the bridge reads them, so
one bridge labels structures of any composition and size. Other servers send no species:
then give ``--structure FILE`` (any format ``ase.io.read`` reads), whose atoms -- same
elements, same order -- must match every structure the server sends. The bridge echoes
the atomic numbers it computed with as JSON in the FORCEREADY extra string, which MLFF
Distiller's server checks.

Everything else is ASE's own ``ase.calculators.socketio.SocketClient``: the bridge only
starts it in the NEEDINIT state (so the server sends INIT before the first positions),
reads the species out of INIT, and computes energy, forces and (for a 3-D periodic cell
when the calculator implements it) stress in one call per structure.

Calculator options are JSON keyword arguments. A value ``{"$call": "module:function",
...}`` is replaced by the result of calling that function with the other keys as keyword
arguments (and ``"$args"`` as positional ones), so calculators that take a model object
work from the command line (see the package README for Orb). ``module`` may also be a
path to a ``.py`` file.
"""

import argparse
import importlib
import importlib.util
import json
import os
import socket
import sys
import time
import traceback

import numpy as np

import ase.calculators.socketio as socketio
from ase import Atoms
from ase.calculators.socketio import SocketClient

PROG = 'mlffd-ipi-bridge'


def unix_socket_path(name):
    """A path as is; a bare name in ASE's convention, ``/tmp/ipi_<name>``."""
    return name if '/' in name else '/tmp/ipi_{}'.format(name)


def load_attribute(spec):
    """The object named by ``module.path:attr.sub`` or ``/path/to/file.py:attr``."""
    if ':' not in spec:
        raise ValueError('expected MODULE:ATTRIBUTE, got {!r}'.format(spec))
    module_name, attribute = spec.rsplit(':', 1)
    if module_name.endswith('.py') or os.sep in module_name:
        path = os.path.abspath(module_name)
        name = 'mlffd_bridge_user_' + os.path.splitext(os.path.basename(path))[0]
        module_spec = importlib.util.spec_from_file_location(name, path)
        if module_spec is None or module_spec.loader is None:
            raise ImportError('cannot load {}'.format(path))
        module = importlib.util.module_from_spec(module_spec)
        sys.modules[name] = module
        module_spec.loader.exec_module(module)
    else:
        module = importlib.import_module(module_name)
    target = module
    for part in attribute.split('.'):
        target = getattr(target, part)
    return target


def build_options(value):
    """Options with every ``{"$call": ...}`` replaced by the call's result."""
    if isinstance(value, dict):
        if '$call' in value:
            function = load_attribute(value['$call'])
            args = [build_options(v) for v in value.get('$args', [])]
            kwargs = {k: build_options(v) for k, v in value.items()
                      if k not in ('$call', '$args')}
            return function(*args, **kwargs)
        return {k: build_options(v) for k, v in value.items()}
    if isinstance(value, list):
        return [build_options(v) for v in value]
    return value


def parse_species(initbytes):
    """(numbers, pbc or None) from an INIT string, or None when it carries none."""
    raw = np.asarray(initbytes, dtype=np.byte).tobytes().rstrip(b'\0')
    if not raw.startswith(b'{'):
        return None
    try:
        data = json.loads(raw.decode('utf-8'))
    except ValueError:
        return None
    if not isinstance(data, dict) or 'numbers' not in data:
        return None
    numbers = np.asarray(data['numbers'], dtype=int)
    if numbers.ndim != 1:
        raise ValueError('the INIT string has malformed "numbers"')
    pbc = data.get('pbc')
    if pbc is not None:
        pbc = [bool(p) for p in pbc]
        if len(pbc) != 3:
            raise ValueError('the INIT string has malformed "pbc"')
    return numbers, pbc


def apply_species(atoms, numbers, pbc):
    """Gives ``atoms`` these atomic numbers (resizing it) and periodicity, in place."""
    if len(numbers) != len(atoms) or (atoms.numbers != numbers).any():
        # SocketClient keeps a reference to this Atoms object: change it in place. The
        # positions are overwritten by the POSDATA that follows.
        atoms.constraints = []
        atoms.arrays = {'numbers': numbers.copy(),
                        'positions': np.zeros((len(numbers), 3))}
    if pbc is not None:
        atoms.pbc = pbc


def compute_all(calc, atoms, properties):
    """All properties in one calculation (ASE's getters would call calculate per property)."""
    if not hasattr(calc, 'check_state') or not hasattr(calc, 'results'):
        return
    changes = calc.check_state(atoms)
    if changes:
        calc.reset()
    if any(name not in calc.results for name in properties):
        calc.calculate(atoms, properties, changes)


class BridgeClient(SocketClient):
    """ASE's SocketClient, taking species from INIT and computing everything at once."""

    def __init__(self, stress='auto', verbose=False, **kwargs):
        super().__init__(**kwargs)
        self.stress_mode = stress
        self.verbose = verbose
        self.structures = 0
        # ASE's client starts READY; NEEDINIT makes the server send INIT (and with it the
        # species) before the first positions. ASE's server and i-PI both handle it.
        self.state = 'NEEDINIT'

    def irun_rank0(self, atoms, use_stress=True):
        protocol = self.protocol
        recvinit = protocol.recvinit
        recvposdata = protocol.recvposdata
        sendforce = protocol.sendforce

        def recvinit_with_species():
            bead_index, initbytes = recvinit()
            species = parse_species(initbytes)
            if species is not None:
                apply_species(atoms, *species)
            return bead_index, initbytes

        def recvposdata_checked():
            cell, icell, positions = recvposdata()
            if len(positions) != len(atoms):
                raise RuntimeError(
                    'the server sent {} atoms but the bridge knows {} ({}); servers other '
                    'than MLFF Distiller\'s send no atomic numbers: give --structure with '
                    'the same atoms as the structures sent'.format(
                        len(positions), len(atoms),
                        atoms.get_chemical_formula() or 'no structure'))
            return cell, icell, positions

        def sendforce_with_echo(energy, forces, virial, morebytes=None):
            echo = json.dumps({'numbers': atoms.numbers.tolist()}).encode('ascii')
            sendforce(energy, forces, virial, np.frombuffer(echo, dtype=np.byte))

        protocol.recvinit = recvinit_with_species
        protocol.recvposdata = recvposdata_checked
        protocol.sendforce = sendforce_with_echo
        return super().irun_rank0(atoms, use_stress)

    def calculate(self, atoms, use_stress):
        calc = atoms.calc
        implemented = getattr(calc, 'implemented_properties', ())
        periodic = atoms.cell.rank == 3 and any(atoms.pbc)
        if self.stress_mode == 'always':
            stress = True
        elif self.stress_mode == 'never':
            stress = False
        else:
            stress = periodic and 'stress' in implemented
        properties = ['energy', 'forces'] + (['stress'] if stress else [])
        started = time.perf_counter()
        compute_all(calc, atoms, properties)
        energy, forces, virial = super().calculate(atoms, stress)
        self.structures += 1
        if self.verbose:
            print('{}: structure {}: {} ({} atoms), energy {:.6f} eV, {:.3f} s'.format(
                PROG, self.structures, atoms.get_chemical_formula(), len(atoms), energy,
                time.perf_counter() - started), file=sys.stderr, flush=True)
        return energy, forces, virial


def connect(args):
    """A connected BridgeClient, retrying while the server is not up (--connect-timeout)."""
    deadline = time.monotonic() + args.connect_timeout
    while True:
        try:
            return BridgeClient(
                stress=args.stress, verbose=args.verbose,
                host=args.host, port=None if args.unix else args.port,
                unixsocket=args.unix, timeout=args.timeout,
                log=sys.stderr if args.protocol_log else None)
        except (ConnectionRefusedError, FileNotFoundError):
            if time.monotonic() >= deadline:
                raise
            time.sleep(0.1)


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog=PROG,
        description='Serve an ASE calculator over the i-PI socket protocol.')
    parser.add_argument('--calculator', required=True,
                        help='MODULE:ATTRIBUTE of a calculator class or factory, e.g. '
                             'ase.calculators.emt:EMT (MODULE may be a path to a .py file)')
    parser.add_argument('--options', default='{}',
                        help='JSON keyword arguments of the calculator; {"$call": '
                             '"module:function", ...} values are built by calling')
    parser.add_argument('--host', default='127.0.0.1', help='server host (default 127.0.0.1)')
    parser.add_argument('--port', type=int, default=31415, help='server port (default 31415)')
    parser.add_argument('--unix', default=None,
                        help='UNIX socket instead of TCP: NAME for ASE\'s /tmp/ipi_NAME, or a path')
    parser.add_argument('--structure', default=None,
                        help='structure file giving the species when the server sends none')
    parser.add_argument('--index', default='0',
                        help='which image of --structure (ase.io.read index, default 0)')
    parser.add_argument('--stress', choices=['auto', 'always', 'never'], default='auto',
                        help='send a virial: auto = 3-D periodic cell and the calculator '
                             'implements stress (default)')
    parser.add_argument('--timeout', type=float, default=None,
                        help='socket timeout in seconds while waiting for the server (default none)')
    parser.add_argument('--connect-timeout', type=float, default=30.0,
                        help='keep retrying the connection this many seconds (default 30)')
    parser.add_argument('--verbose', action='store_true', help='one line per structure on stderr')
    parser.add_argument('--protocol-log', action='store_true',
                        help='log every i-PI message on stderr (ASE\'s protocol log)')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    try:
        options = json.loads(args.options)
    except ValueError as error:
        print('{}: --options is not JSON: {}'.format(PROG, error), file=sys.stderr)
        return 2
    if not isinstance(options, dict):
        print('{}: --options must be a JSON object'.format(PROG), file=sys.stderr)
        return 2
    try:
        factory = load_attribute(args.calculator)
        calc = factory(**build_options(options))
    except Exception:
        traceback.print_exc()
        print('{}: cannot create the calculator {}'.format(PROG, args.calculator),
              file=sys.stderr)
        return 2

    if args.structure is not None:
        from ase.io import read
        index = int(args.index) if args.index.lstrip('-').isdigit() else args.index
        atoms = read(args.structure, index=index)
    else:
        atoms = Atoms()
    atoms.calc = calc

    if args.unix is not None:
        # ASE's SocketClient only knows /tmp/ipi_<name>; accept full paths too.
        socketio.actualunixsocketname = unix_socket_path
    where = ('unix:' + unix_socket_path(args.unix) if args.unix
             else '{}:{}'.format(args.host, args.port))
    try:
        client = connect(args)
    except OSError as error:
        print('{}: cannot connect to {}: {}'.format(PROG, where, error), file=sys.stderr)
        return 1
    if args.unix is None:
        # ASE writes a message in several small sends (header, energy, natoms, forces...);
        # with Nagle's algorithm each waits for the server's delayed ACK (~40 ms on Linux).
        client.protocol.socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    print('{}: serving {} to the i-PI server at {}'.format(PROG, args.calculator, where),
          file=sys.stderr, flush=True)
    try:
        client.run(atoms)
    except Exception:
        traceback.print_exc()
        print('{}: stopped after {} structures: the calculator or the connection failed'
              .format(PROG, client.structures), file=sys.stderr, flush=True)
        return 1
    print('{}: done after {} structures'.format(PROG, client.structures),
          file=sys.stderr, flush=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
