/**
 * nginx in front of the test's replicas, configured from the shipped `deploy/nginx.conf` (the one
 * docker-compose mounts), so that the config under test is the one deployed: only the upstream
 * addresses and the listen address are replaced, and the main context the compose image supplies
 * (pid file, error log, temp folders, events) is written around it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export const SHIPPED_CONFIG = path.resolve(import.meta.dirname, '../../../deploy/nginx.conf');

/** The response header naming the replica that answered (added by the test's wrapper only). */
export const UPSTREAM_HEADER = 'x-otmetka-upstream';

/** The nginx binary, or an error that says how to install it: the suite never skips. */
export function nginxBinary(): string {
  for (const candidate of ['nginx', '/usr/sbin/nginx']) {
    const r = spawnSync(candidate, ['-v'], { encoding: 'utf8' });
    if (!r.error && r.status === 0) return candidate;
  }
  throw new Error(
    "The cluster tests need nginx (Debian's package): run `apt-get install -y nginx` and try again.",
  );
}

/** Replaces `from` by `to` where it occurs exactly once, or says that the shipped file changed shape. */
function replaceOnce(text: string, from: string, to: string): string {
  const parts = text.split(from);
  if (parts.length !== 2) {
    throw new Error(
      `deploy/nginx.conf: expected "${from}" once, found it ${parts.length - 1} times`,
    );
  }
  return parts.join(to);
}

/** The shipped server block with our addresses, inside a main context whose files live in `dir`. */
export function nginxConfig(opts: { dir: string; listen: number; upstreams: [number, number] }) {
  const [a, b] = opts.upstreams;
  let site = readFileSync(SHIPPED_CONFIG, 'utf8');
  site = replaceOnce(site, 'server server1:4000;', `server 127.0.0.1:${a};`);
  site = replaceOnce(site, 'server server2:4000;', `server 127.0.0.1:${b};`);
  site = replaceOnce(site, 'listen 80;', `listen 127.0.0.1:${opts.listen};`);
  const at = (name: string) => path.join(opts.dir, name);
  return `worker_processes 1;
pid ${at('nginx.pid')};
error_log ${at('error.log')} warn;
events { worker_connections 512; }
http {
  access_log off;
  client_body_temp_path ${at('client_body')};
  proxy_temp_path ${at('proxy')};
  fastcgi_temp_path ${at('fastcgi')};
  uwsgi_temp_path ${at('uwsgi')};
  scgi_temp_path ${at('scgi')};
  # Test only: which replica answered (the shipped location sets no add_header, so it inherits this).
  add_header X-Otmetka-Upstream $upstream_addr always;

${site}
}
`;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

async function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** nginx in the foreground (a child of this process) in front of the two replicas' ports. */
export async function startNginx(
  dir: string,
  upstreams: [number, number],
): Promise<{ child: ChildProcess; port: number; stop(): Promise<void> }> {
  const binary = nginxBinary();
  const port = await freePort();
  const conf = path.join(dir, 'nginx.conf');
  writeFileSync(conf, nginxConfig({ dir, listen: port, upstreams }));
  const args = ['-p', dir, '-e', path.join(dir, 'error.log'), '-c', conf];
  const test = spawnSync(binary, [...args, '-t'], { encoding: 'utf8' });
  if (test.status !== 0) throw new Error(`nginx -t refused the config:\n${test.stderr}`);
  const child = spawn(binary, [...args, '-g', 'daemon off;'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const deadline = Date.now() + 10_000;
  while (!(await accepts(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(
        `nginx did not start: ${stderr || readFileSync(path.join(dir, 'error.log'), 'utf8')}`,
      );
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    child,
    port,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
