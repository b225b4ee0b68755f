import { describe, expect, it } from 'vitest';
import { createNodeCrypto } from '../../../agent/crypto/index.ts';
import { softwareKeyStore } from '../../../agent/identity/software-keystore.ts';
import { VirtualClock } from '../../../agent/overlay/clock.ts';
import { silentLog } from '../../../agent/overlay/log.ts';
import { NetDb } from '../../../agent/overlay/netdb.ts';
import { signRouterInfo } from '../../../agent/overlay/routerinfo.ts';
import { netDbDirectory } from '../../../agent/overlay/tunnel/directory.ts';

describe('netDb → tunnel directory', () => {
  it('gives hop specs, pool peers with addresses and link addresses from verified RouterInfos', async () => {
    const crypto = createNodeCrypto();
    const clock = new VirtualClock();
    const netDb = new NetDb({ crypto, clock, log: silentLog, netId: 7 });
    const signer = softwareKeyStore(new Uint8Array(32).fill(4), crypto);
    const staticKey = crypto.x25519.publicKey(crypto.randomBytes(32));
    const bytes = await signRouterInfo({ did: signer.did, staticKey, addresses: [{ host: '127.3.4.5', port: 7000 }], floodfill: false, bandwidth: 'L', published: clock.now(), netId: 7 }, signer);
    const { entry } = netDb.put(bytes);
    const dir = netDbDirectory(netDb);
    expect(dir.get(entry.hash)?.staticKey).toEqual(staticKey);
    expect(dir.peers()[0]?.address).toBe('127.3.4.5:7000');
    expect(dir.resolve(entry.hash)).toEqual({ staticKey, address: '127.3.4.5:7000' });
    expect(dir.resolve(new Uint8Array(32))).toBeUndefined();
  });
});
