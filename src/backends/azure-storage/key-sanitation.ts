// Table keys may not contain / \ # ? or control characters; DT.AS escapes them with '^'
// (specs/backends.md A7, Tracking/KeySanitation.cs). The mapping is per character, so the escaped form of a
// prefix is a prefix of the escaped id (instance-id prefix queries rely on this).

const ESCAPE = '^';
const CONTROL_OFFSET = 0xc0; // 'À'
const NAMED: Record<string, string> = { '^': '^', '/': '0', '\\': '1', '#': '2', '?': '3' };
const UNNAMED: Record<string, string> = { '^': '^', '0': '/', '1': '\\', '2': '#', '3': '?' };

function isControl(code: number): boolean {
  return code <= 0x1f || (code >= 0x7f && code <= 0x9f);
}

export function escapePartitionKey(key: string): string {
  let out = '';
  for (const ch of key) {
    const code = ch.charCodeAt(0);
    if (NAMED[ch] !== undefined) out += ESCAPE + NAMED[ch];
    else if (isControl(code)) out += ESCAPE + String.fromCharCode(CONTROL_OFFSET + code);
    else out += ch;
  }
  return out;
}

export function unescapePartitionKey(key: string): string {
  let out = '';
  for (let i = 0; i < key.length; i++) {
    const ch = key[i];
    if (ch !== ESCAPE || i + 1 >= key.length) {
      out += ch;
      continue;
    }
    const next = key[++i];
    if (UNNAMED[next] !== undefined) out += UNNAMED[next];
    else out += String.fromCharCode(next.charCodeAt(0) - CONTROL_OFFSET);
  }
  return out;
}
