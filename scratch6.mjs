import { get_encoding } from 'tiktoken';
let t = performance.now();
const e = get_encoding('o200k_base');
console.log('o200k', performance.now() - t);
t = performance.now(); e.encode_ordinary('hello world this is a test of counting'); console.log('first encode', performance.now() - t);
t = performance.now();
const c = get_encoding('cl100k_base');
console.log('cl100k', performance.now() - t);
