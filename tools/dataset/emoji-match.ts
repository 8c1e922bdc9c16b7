/**
 * Match a photo's name to an emoji concept (for zero-shot evaluation of an emoji-trained model on
 * real photos): first an emojibase English label, then a tag, in singular or plural, e.g.
 * "polar_bear" → "polar bear", "camels" → "camel", "Komodo dragon" → no label, tag "dragon" is ambiguous → none.
 */
import type { Concept } from './sources';

export interface EmojiMatch {
  concept: Concept;
  by: 'label' | 'tag' | 'reviewed';
  /** The form of the name that matched. */
  form: string;
}

/** Lower-case, hyphens and underscores as spaces, single spaces. */
function clean(s: string): string {
  return s.toLowerCase().replace(/[_-]+/g, ' ').replace(/\s+/g, ' ').trim();
}

/** The name and its singular forms (English plural rules good enough for these names). */
export function nameForms(name: string): string[] {
  const n = clean(name);
  const forms = [n];
  if (/ies$/.test(n)) forms.push(n.replace(/ies$/, 'y'));
  if (/(s|x|ch|sh)es$/.test(n)) forms.push(n.replace(/es$/, ''));
  if (/[^s]s$/.test(n)) forms.push(n.replace(/s$/, ''));
  return forms;
}

/**
 * Hand-reviewed exceptions, each checked against the photo (name → emoji label, or null for "no emoji").
 * Tag matches that name something else, and names that are plainly a kind of an emoji concept.
 */
export const REVIEWED_MATCHES: Readonly<Record<string, string | null>> = {
  dam: null, // a hydro-electric dam; the tag "dam" belongs to the beaver emoji
  cup: null, // a teacup on a saucer; the tag match would be "cup with straw"
  pan: 'cooking', // a frying pan, which 🍳 shows; the tag match would be "shallow pan of food"
  sheep: 'ewe', // 🐑 is labelled "ewe"; the tag "sheep" is shared with "ram"
  kitten: 'cat', // tag "kitten" is shared by "cat" and "cat face"
  calf: 'cow',
  'flying fox': 'bat', // a fruit bat
  macaque: 'monkey',
  'long nosed monkey': 'monkey',
  chameleon: 'lizard',
  chamaeleon: 'lizard',
  gosling: 'goose',
};

export class EmojiMatcher {
  private readonly byLabel = new Map<string, Concept>();
  private readonly byTag = new Map<string, Concept[]>();

  /** `concepts`: base concepts to match against (no skins; the caller chooses groups). */
  constructor(concepts: Iterable<Concept>) {
    for (const c of concepts) {
      if (c.isSkin) continue;
      const label = clean(c.label);
      if (!this.byLabel.has(label)) this.byLabel.set(label, c);
      for (const t of c.tags) {
        const key = clean(t);
        const list = this.byTag.get(key) ?? [];
        list.push(c);
        this.byTag.set(key, list);
      }
    }
  }

  match(name: string): EmojiMatch | null {
    const reviewed = REVIEWED_MATCHES[clean(name)];
    if (reviewed === null) return null;
    if (reviewed !== undefined) {
      const c = this.byLabel.get(clean(reviewed));
      if (!c) throw new Error(`REVIEWED_MATCHES: "${name}" → "${reviewed}" is not an emoji label`);
      return { concept: c, by: 'reviewed', form: clean(name) };
    }
    const forms = nameForms(name);
    for (const form of forms) {
      const c = this.byLabel.get(form);
      if (c) return { concept: c, by: 'label', form };
    }
    for (const form of forms) {
      const hits = this.byTag.get(form) ?? [];
      // Several concepts share a tag ("knife": kitchen knife, dagger): keep the one whose label has the word.
      const named = hits.length === 1 ? hits : hits.filter((c) => new RegExp(`\\b${form}\\b`).test(clean(c.label)));
      if (named.length === 1) return { concept: named[0]!, by: 'tag', form };
    }
    return null;
  }
}
