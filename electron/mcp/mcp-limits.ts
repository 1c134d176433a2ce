/**
 * The MCP server's limits, in one place: what an agent may ask for per call, and the defaults. The JSON schemas the
 * agent sees carry the same bounds, so an out-of-range argument is refused with the range in the message.
 */
export const TOKEN_CAP = { default: 4000, min: 300, max: 32_000 } as const;
export const SEARCH_K = { default: 10, min: 1, max: 50 } as const;
/** How deep paging through a search may go (the ranking is computed again per page). */
export const SEARCH_DEPTH = 200;
export const ROW_LIMIT = { default: 100, min: 1, max: 1000 } as const;
export const QUERY_TIMEOUT_MS = { default: 15_000, min: 100, max: 120_000 } as const;
/** Tokens kept back from a context's budget for the lines around it (source, snapshot, joins, what was left out). */
export const CONTEXT_FRAME_TOKENS = 200;
/** Longest comment shown per line in listings (describe_table shows it whole, up to the token cap). */
export const LISTING_COMMENT_CHARS = 160;
/** The encoding every result is measured in unless a call names a model (gpt-4o and later models use it). */
export const DEFAULT_ENCODING = 'o200k_base' as const;
