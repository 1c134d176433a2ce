import type { TiktokenEncoding } from 'tiktoken';
import { countTokens, countTokensCached } from '../engine/platform/token-counter.ts';

export interface CappedPage {
  readonly text: string;
  /** tiktoken's count of `text` in the page's encoding. */
  readonly tokens: number;
  /** Lines of the body shown on this page. */
  readonly shown: number;
  /** Whether body lines were left for a next page. */
  readonly cut: boolean;
}

/**
 * One page of a tool's answer under a token cap: the head lines always, then body lines in their (ranked) order
 * from `offset` while they fit, then the foot, which says whether the answer was cut and how to get the next page.
 * Counts are tiktoken's: piece by piece while filling, then the whole text once more, dropping body lines until the
 * exact count fits (tokens can merge across line ends either way).
 */
export function capLines(input: {
  readonly head: readonly string[];
  readonly body: readonly string[];
  readonly offset: number;
  readonly cap: number;
  readonly encoding: TiktokenEncoding;
  /** The foot for a page that shows `shown` lines from the offset, cut or not. */
  readonly foot: (shown: number, cut: boolean) => readonly string[];
}): CappedPage {
  const { cap, encoding } = input;
  const lineTokens = (line: string) => countTokensCached(`${line}\n`, encoding);
  const render = (shown: number) => {
    const cut = input.offset + shown < input.body.length;
    return [...input.head, ...input.body.slice(input.offset, input.offset + shown), ...input.foot(shown, cut)].join(
      '\n',
    );
  };
  // The longest foot (a cut page's) is reserved up front, so adding a line never makes the foot not fit.
  let used =
    input.head.reduce((sum, line) => sum + lineTokens(line), 0) +
    input.foot(input.body.length, true).reduce((sum, line) => sum + lineTokens(line), 0);
  let shown = 0;
  while (input.offset + shown < input.body.length) {
    const next = lineTokens(input.body[input.offset + shown]!);
    if (used + next > cap) break;
    used += next;
    shown += 1;
  }
  let text = render(shown);
  let tokens = countTokens(text, encoding);
  while (tokens > cap && shown > 0) {
    shown -= 1;
    text = render(shown);
    tokens = countTokens(text, encoding);
  }
  return { text, tokens, shown, cut: input.offset + shown < input.body.length };
}

/** A comment or name from the database as quoted data: one line, JSON-escaped, cut to `maxChars`. */
export function quoted(text: string, maxChars = Number.POSITIVE_INFINITY): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return JSON.stringify(flat.length > maxChars ? `${flat.slice(0, maxChars)}…` : flat);
}
