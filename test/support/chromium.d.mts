// Types of chromium.mjs, for the TypeScript tests that start Chromium themselves (test/engines/).
export function chromiumPath(): string;
export const CALL_FLAGS: string[];
