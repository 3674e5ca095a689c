// Blob trigger path patterns (specs/storage-bindings.md §4.3 "Path patterns").
import { parseBlobPathPattern } from '../../../src/bindings/blob-path-pattern';
import { BindingError } from '../../../src/bindings';

const where = "Function 'f', blob trigger 'b'";

it('captures {name}, slashes included, under the container', () => {
  const pattern = parseBlobPathPattern('input/{name}', where);
  expect(pattern).toMatchObject({ container: 'input', prefix: '' });
  expect(pattern.match('folder/a.txt')).toEqual({ name: 'folder/a.txt' });
});

it('captures several names around literals, and lists by the literal prefix', () => {
  const pattern = parseBlobPathPattern('input/original-{blobname}.{blobextension}', where);
  expect(pattern.prefix).toBe('original-');
  expect(pattern.match('original-photo.png')).toEqual({ blobname: 'photo', blobextension: 'png' });
  expect(pattern.match('copy-photo.png')).toBeUndefined();
});

it('matches only blobs with the literal suffix', () => {
  const pattern = parseBlobPathPattern('samples/{name}.png', where);
  expect(pattern.match('cat.png')).toEqual({ name: 'cat' });
  expect(pattern.match('cat.jpg')).toBeUndefined();
});

it('reads {{ and }} as literal braces', () => {
  expect(parseBlobPathPattern('c/{{x}}-{name}', where).match('{x}-a')).toEqual({ name: 'a' });
});

it('refuses an expression in the container, naming the function and binding', () => {
  expect(() => parseBlobPathPattern('{container}/{name}', where)).toThrow(BindingError);
  expect(() => parseBlobPathPattern('{container}/{name}', where)).toThrow(/^Function 'f', blob trigger 'b': the container of '\{container\}\/\{name\}' cannot hold an expression/);
});
