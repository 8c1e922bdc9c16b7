/**
 * Cheap static checks of SVG text before librsvg renders it (DESIGN §8, bombs): XML entity declarations
 * (billion laughs) and `<use>` reference graphs whose expansion explodes (each level referencing the
 * previous one k times costs kⁿ elements; librsvg stops such a file only after seconds of CPU).
 */
const TAG = /<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<(\/?)([A-Za-z][\w:.-]*)((?:[^>"']|"[^"]*"|'[^']*')*?)(\/?)>/g;
const ID = /\sid\s*=\s*["']([^"']+)["']/;
const HREF = /\s(?:xlink:)?href\s*=\s*["']#([^"']+)["']/;

interface Node {
  children: Node[];
  ref?: string;
}

/** A reason to refuse the SVG, or undefined when it looks safe to render. */
export function svgHazard(text: string, maxElements = 200_000): string | undefined {
  if (/<!ENTITY/i.test(text)) return 'the SVG declares XML entities (entity-expansion bomb guard)';
  const root: Node = { children: [] };
  const byId = new Map<string, Node>();
  const stack: Node[] = [root];
  for (const m of text.matchAll(TAG)) {
    if (m[2] === undefined) continue; // comment or CDATA
    const [, closing, name, attrs = '', selfClosing] = m;
    if (closing) {
      if (stack.length > 1) stack.pop();
      continue;
    }
    const node: Node = { children: [] };
    const id = ID.exec(attrs)?.[1];
    if (id) byId.set(id, node);
    if (/^use$/i.test(name!)) {
      const ref = HREF.exec(attrs)?.[1];
      if (ref) node.ref = ref;
    }
    stack.at(-1)!.children.push(node);
    if (!selfClosing) stack.push(node);
  }
  // Elements the renderer would instantiate: a <use> costs its target's subtree again.
  const memo = new Map<Node, number>();
  const visiting = new Set<Node>();
  const cost = (node: Node): number => {
    const known = memo.get(node);
    if (known !== undefined) return known;
    if (visiting.has(node)) return Infinity; // reference cycle
    visiting.add(node);
    let total = 1;
    for (const child of node.children) {
      total += cost(child);
      if (total > maxElements) break;
    }
    if (node.ref !== undefined) {
      const target = byId.get(node.ref);
      if (target) total += cost(target);
    }
    visiting.delete(node);
    memo.set(node, total);
    return total;
  };
  const total = cost(root);
  if (total > maxElements) {
    return total === Infinity
      ? 'the SVG has a <use> reference cycle'
      : `the SVG's <use> references expand to more than ${maxElements} elements (SVG bomb guard)`;
  }
  return undefined;
}
