import { createTcpTransport } from '../../agent/overlay/transport-tcp.ts';
import { MemoryNetwork } from '../../agent/overlay/transport-memory.ts';
import { transportContract } from './transport-contract.ts';

transportContract('memory', {
  make() {
    const net = new MemoryNetwork();
    return { a: net.transport('10.0.0.1'), b: net.transport('10.0.0.2'), host: '10.0.0.2' };
  },
});

transportContract('memory, 7-byte chunks', {
  make() {
    const net = new MemoryNetwork({ maxChunk: 7 });
    return { a: net.transport('10.0.0.1'), b: net.transport('10.0.0.2'), host: '10.0.0.2' };
  },
});

transportContract('tcp on loopback', {
  make() {
    return { a: createTcpTransport(), b: createTcpTransport(), host: '127.0.0.1' };
  },
});
