import { readHbStore } from './hbStore';
import { readRaStore } from './raStore';
import type { Store, StoreKind } from './store';
import { readTxStore } from './txStore';

export async function readStore(kind: StoreKind, path: string): Promise<Store> {
  if (kind === 'ra') return readRaStore(path);
  return kind === 'hb' ? readHbStore(path) : readTxStore(path);
}
