import { existsSync, readFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MachineInfo, SoftwareInfo } from './benchmark-result.js';

/** CPU, memory and OS of this machine. */
export function machineInfo(): MachineInfo {
  const list = cpus();
  return {
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    cpuCores: Math.max(1, list.length),
    memoryBytes: totalmem(),
    platform: process.platform,
    osRelease: release(),
    arch: process.arch,
    loadAverage: loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

/** The project packages whose versions every result records. */
export const RECORDED_PACKAGES = [
  '@mlff-distiller/bench',
  '@mlff-distiller/core',
  '@mlff-distiller/md',
] as const;

/**
 * Version of an installed package, found by walking up from this file through the
 * `node_modules` folders Node would search (the packages' `exports` maps do not expose
 * `package.json`); null when not found.
 */
export function packageVersion(name: string): string | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    for (const candidate of [
      join(dir, 'package.json'),
      join(dir, 'node_modules', name, 'package.json'),
    ]) {
      if (!existsSync(candidate)) continue;
      try {
        const pkg = JSON.parse(readFileSync(candidate, 'utf8')) as {
          name?: string;
          version?: string;
        };
        if (pkg.name === name && typeof pkg.version === 'string') return pkg.version;
      } catch {
        // An unreadable package.json is no version; keep looking.
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

/**
 * Node, V8 and library versions: this project's packages plus `extra` (say, a backend's
 * "onnxruntime-node" version the caller knows).
 */
export function softwareInfo(extra: Record<string, string> = {}): SoftwareInfo {
  const libraries: Record<string, string> = {};
  for (const name of RECORDED_PACKAGES) libraries[name] = packageVersion(name) ?? 'unknown';
  return {
    node: process.version,
    v8: process.versions.v8,
    libraries: { ...libraries, ...extra },
  };
}
