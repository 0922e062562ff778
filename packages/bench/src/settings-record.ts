import type { SettingValue } from './benchmark-result.js';

/**
 * A JSON-safe copy of calculator settings or parameters: finite numbers, strings, booleans
 * and null as they are, arrays element by element, non-finite numbers as null, other
 * objects as their JSON text, functions and undefined dropped.
 */
export function settingsRecord(
  values: Readonly<Record<string, unknown>>,
): Record<string, SettingValue> {
  const out: Record<string, SettingValue> = {};
  for (const [k, v] of Object.entries(values)) {
    const s = toSetting(v);
    if (s !== undefined) out[k] = s;
  }
  return out;
}

function toSetting(v: unknown): SettingValue | undefined {
  if (v === null) return null;
  switch (typeof v) {
    case 'number':
      return Number.isFinite(v) ? v : null;
    case 'string':
    case 'boolean':
      return v;
    case 'bigint':
      return Number(v);
    case 'object': {
      if (Array.isArray(v) || ArrayBuffer.isView(v)) {
        return Array.from(v as ArrayLike<unknown>, (x) => toSetting(x) ?? null);
      }
      try {
        return JSON.stringify(v);
      } catch {
        return String(v);
      }
    }
    default:
      return undefined;
  }
}
