/**
 * JSON.parse gives no positions. For reports that a person can act on ("/annotations/41 (line 388)") this
 * single pass over the text records the line where each array element at depth ≤ 2 starts, keyed by its
 * JSON pointer. It only tracks strings, brackets and commas; the text is already known to be valid JSON.
 */
export function arrayElementLines(text: string): Map<string, number> {
  const lines = new Map<string, number>();
  // Stack of containers: for objects, the current key; for arrays, the current index.
  const stack: { array: boolean; key: string; index: number; expectValue: boolean }[] = [];
  let line = 1;
  let lastString = '';
  const pointer = (): string =>
    stack.map((s) => (s.array ? String(s.index) : s.key.replace(/~/g, '~0').replace(/\//g, '~1'))).join('/');
  const valueStarts = (): void => {
    const top = stack[stack.length - 1];
    if (top?.array && top.expectValue) {
      top.expectValue = false;
      if (stack.length <= 2) lines.set('/' + pointer(), line);
    }
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\n') line++;
    else if (c === '"') {
      valueStarts();
      let j = i + 1;
      let s = '';
      while (j < text.length && text[j] !== '"') {
        if (text[j] === '\\') j++;
        else s += text[j];
        j++;
      }
      lastString = s;
      i = j;
    } else if (c === '[' || c === '{') {
      valueStarts();
      stack.push({ array: c === '[', key: '', index: 0, expectValue: c === '[' });
    } else if (c === ']' || c === '}') stack.pop();
    else if (c === ':') {
      const top = stack[stack.length - 1];
      if (top && !top.array) top.key = lastString;
    } else if (c === ',') {
      const top = stack[stack.length - 1];
      if (top?.array) {
        top.index++;
        top.expectValue = true;
      }
    } else if (c !== ' ' && c !== '\t' && c !== '\r') valueStarts();
  }
  return lines;
}

/** `"/3 (line 12)"`, or just the pointer when the line is unknown. */
export function locate(lines: Map<string, number>, pointer: string, rest = ''): string {
  const line = lines.get(pointer);
  return `${pointer}${rest}${line !== undefined ? ` (line ${line})` : ''}`;
}
