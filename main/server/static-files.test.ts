import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lookupStaticFile } from './static-files';

let dir: string;
let root: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'pairscope-static-'));
  root = path.join(dir, 'root');
  await mkdir(path.join(root, 'assets'), { recursive: true });
  await writeFile(path.join(root, 'index.html'), '<!doctype html>');
  await writeFile(path.join(root, 'assets', 'a b.css'), 'body{}');
  await writeFile(path.join(dir, 'secret.txt'), 'secret');
  await symlink(dir, path.join(root, 'up'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('lookupStaticFile', () => {
  it('maps / to index.html with an HTML content type', async () => {
    expect(await lookupStaticFile(root, '/')).toMatchObject({
      kind: 'file',
      filePath: path.join(root, 'index.html'),
      contentType: 'text/html; charset=utf-8',
    });
  });

  it('decodes percent-encoded names', async () => {
    expect(await lookupStaticFile(root, '/assets/a%20b.css')).toMatchObject({ kind: 'file', size: 6 });
  });

  it.each([
    ['/..%2fsecret.txt', 'path "/../secret.txt" leaves the served folder'],
    ['/assets/..%2f..%2fsecret.txt', 'path "/assets/../../secret.txt" leaves the served folder'],
    ['/up/secret.txt', 'path "/up/secret.txt" links outside the served folder'],
    ['/%E0%A4%A', 'path "/%E0%A4%A" is not valid percent-encoding'],
    ['/a%00b', 'path contains a NUL byte'],
    ['/..%5csecret.txt', 'path contains a backslash'],
  ])('refuses %s', async (urlPath, reason) => {
    expect(await lookupStaticFile(root, urlPath)).toEqual({ kind: 'bad_path', reason });
  });

  it('reports folders and absent files as missing', async () => {
    expect(await lookupStaticFile(root, '/assets')).toEqual({ kind: 'missing' });
    expect(await lookupStaticFile(root, '/nope.js')).toEqual({ kind: 'missing' });
  });
});
