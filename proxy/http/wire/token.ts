// RFC 9110 tokens (methods, header names): one table for writing requests and reading responses.

const TOKEN_CHARS = new Uint8Array(128);
for (const c of "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") {
  TOKEN_CHARS[c.charCodeAt(0)] = 1;
}

/** Whether the character code is a tchar. */
export const isTokenChar = (c: number): boolean => c < 128 && TOKEN_CHARS[c] === 1;

/** Whether `text` is a non-empty run of tchars. */
export function isToken(text: string): boolean {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) if (!isTokenChar(text.charCodeAt(i))) return false;
  return true;
}
