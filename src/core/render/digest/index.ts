export { renderDigestBlocks, MORE_ATTACHED, type DigestMessage, type DigestRenderOptions } from './blocks';
export { renderDigestText, type DigestTextOptions } from './text';
export { digestCsvHeader, digestCsvRow, type DigestCsvRowOptions } from './csv';
export type { DigestSection } from './format';
