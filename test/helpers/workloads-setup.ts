import { assertListening, MARIADB, POSTGRES } from './services.ts';
import { ensureWorkload } from './workloads.ts';

/** Integration tier: the real servers must be up (a missing one fails the run), and W200 must be loaded. */
export default async function setup(): Promise<void> {
  await assertListening(
    'MariaDB',
    MARIADB.host,
    MARIADB.port,
    'start it with `start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd` (see .ci/run).',
  );
  await assertListening(
    'PostgreSQL',
    POSTGRES.host,
    POSTGRES.port,
    'start it with `pg_ctlcluster $(ls /etc/postgresql) main start` (see .ci/run).',
  );
  await ensureWorkload('w200', (line) => process.stderr.write(`[setup] ${line}\n`));
}
