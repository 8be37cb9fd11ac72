/** Shared markup helpers for the HTML exporters. Every string from outside goes through `escapeHtml`. */
import { createHash } from 'node:crypto';

export function escapeHtml(value: unknown): string {
  return String(value)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** JSON that is safe inside a <script> element: no `</script>`, no HTML comment openers. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

function sha256Base64(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('base64');
}

/**
 * A page with inline scripts allowed by hash only, and no network access at all: the report
 * opens from a file, offline, and cannot load or send anything.
 */
export function contentSecurityPolicy(inlineScripts: string[]): string {
  const hashes = inlineScripts.map((script) => `'sha256-${sha256Base64(script)}'`).join(' ');
  return `default-src 'none'; script-src ${hashes}; style-src 'unsafe-inline'; img-src data:; connect-src 'none'; base-uri 'none'; form-action 'none'`;
}

/** One style everywhere: `45 s`, `1 min 41 s`, `2 h 04 min 16 s`. */
export function formatSeconds(seconds: number | null): string {
  if (seconds === null) return '—';
  const whole = Math.round(seconds);
  if (whole < 60) return `${whole} s`;
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole - hours * 3600) / 60);
  const rest = String(whole - hours * 3600 - minutes * 60).padStart(2, '0');
  if (hours === 0) return `${minutes} min ${rest} s`;
  return `${hours} h ${String(minutes).padStart(2, '0')} min ${rest} s`;
}

/** Desktop-time lost (desktop-seconds summed over desktops): desktop-hours, or desktop-minutes under an hour. */
export function formatDesktopTime(desktopSeconds: number | null): string {
  if (desktopSeconds === null) return '—';
  if (desktopSeconds >= 3600) return `${formatNumber(desktopSeconds / 3600, 1)} desktop-hours`;
  return `${formatNumber(Math.round(desktopSeconds / 60))} desktop-minutes`;
}

export function formatNumber(value: number | null, digits = 0): string {
  if (value === null) return '—';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}
