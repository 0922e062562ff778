/**
 * A small well-formedness check of an XML document as the charts write it (elements,
 * attributes, text, entities; no CDATA, comments or processing instructions). Returns the
 * problems found, empty when the document is well formed. For tests.
 */
export function xmlProblems(xml: string): string[] {
  const problems: string[] = [];
  const stack: string[] = [];
  const tag = /<(\/?)([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)>/y;
  const entity = /&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/y;
  let roots = 0;
  let i = 0;
  while (i < xml.length) {
    const c = xml[i]!;
    if (c === '<') {
      tag.lastIndex = i;
      const m = tag.exec(xml);
      if (!m) {
        problems.push(`malformed tag at ${i}: ${xml.slice(i, i + 40)}`);
        break;
      }
      const [, close, name, attrs, selfClose] = m;
      const names = [...attrs!.matchAll(/([\w:.-]+)\s*=/g)].map((a) => a[1]!);
      if (new Set(names).size !== names.length) problems.push(`duplicate attribute in <${name}>`);
      if (close) {
        if (attrs || selfClose) problems.push(`closing tag </${name}> with attributes`);
        const open = stack.pop();
        if (open !== name) problems.push(`</${name}> closes <${open ?? 'nothing'}>`);
      } else if (!selfClose) {
        if (stack.length === 0) roots++;
        stack.push(name!);
      } else if (stack.length === 0) roots++;
      i = m.index + m[0].length;
    } else if (c === '&') {
      entity.lastIndex = i;
      if (!entity.exec(xml)) problems.push(`bare & at ${i}`);
      i++;
    } else {
      if (stack.length === 0 && !/\s/.test(c)) problems.push(`text outside the root at ${i}`);
      i++;
    }
  }
  if (stack.length) problems.push(`unclosed: ${stack.join(' > ')}`);
  if (roots !== 1) problems.push(`${roots} root elements`);
  return problems;
}

/** Attribute values that are not finite numbers where numbers are expected ("NaN", "Infinity"). */
export function badNumbers(svg: string): string[] {
  return [...svg.matchAll(/[\w-]+="[^"]*(?:NaN|Infinity|undefined|null)[^"]*"/g)].map((m) => m[0]);
}
