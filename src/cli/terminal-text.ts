/**
 * Text from outside (scenario names and descriptions, YAML keys) made safe to print on a
 * terminal: C0 controls (newline and ESC included), DEL and C1 controls are shown as
 * escapes, so a scenario file can neither move the cursor, recolour or retitle the
 * terminal, nor forge extra output lines.
 */

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

export function escapeTerminalText(text: string): string {
  return text.replace(CONTROL, (char) => NAMED[char] ?? `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
