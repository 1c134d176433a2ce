#!/usr/bin/env node
// Runs before `npm test`: makes sure what the tests need is there — Debian's Chromium, MariaDB on 3306 and
// PostgreSQL on 5432 — starting (or, as root on Debian, installing) what is missing. When something still cannot be
// had, it says exactly what and exits non-zero: the suite fails rather than skipping.
import { execSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import net from 'node:net';

const log = (line) => process.stderr.write(`[test-prereqs] ${line}\n`);
const isRoot = process.getuid?.() === 0;
const chromium = process.env.SCHEMASCOPE_CHROMIUM ?? '/usr/bin/chromium';
let aptUpdated = false;

function run(command) {
  log(`$ ${command}`);
  execSync(command, {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
}

function aptInstall(packages) {
  if (!isRoot || !existsSync('/usr/bin/apt-get')) return false;
  if (!aptUpdated) run('apt-get update -qq');
  aptUpdated = true;
  run(`apt-get install -y -qq ${packages}`);
  return true;
}

function listening(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1500, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

async function waitFor(port, seconds) {
  for (let tick = 0; tick < seconds * 4; tick += 1) {
    if (await listening(port)) return true;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}

const problems = [];

if (!existsSync(chromium)) {
  log('Chromium is missing; installing Debian’s package.');
  try {
    aptInstall('chromium');
  } catch (error) {
    log(String(error));
  }
  if (!existsSync(chromium)) problems.push(`Chromium not found at ${chromium}: apt-get install -y chromium`);
}

if (!(await listening(3306))) {
  try {
    if (!existsSync('/usr/sbin/mariadbd') && aptInstall('mariadb-server')) {
      run('start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd');
      await waitFor(3306, 30);
      run(
        `mariadb -uroot -e "ALTER USER 'root'@'localhost' IDENTIFIED VIA unix_socket OR mysql_native_password USING PASSWORD(''); FLUSH PRIVILEGES;"`,
      );
    } else if (existsSync('/usr/sbin/mariadbd')) {
      run('start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd');
    }
  } catch (error) {
    log(String(error));
  }
  if (!(await waitFor(3306, 30)))
    problems.push(
      'MariaDB is not listening on 127.0.0.1:3306 (start: start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd)',
    );
}

if (!(await listening(5432))) {
  try {
    if (!existsSync('/etc/postgresql')) aptInstall('postgresql');
    if (existsSync('/etc/postgresql')) {
      for (const version of readdirSync('/etc/postgresql'))
        run(`pg_ctlcluster --skip-systemctl-redirect ${version} main start`);
    }
  } catch (error) {
    log(String(error));
  }
  if (!(await waitFor(5432, 30)))
    problems.push(
      'PostgreSQL is not listening on 127.0.0.1:5432 (start: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start)',
    );
}

if (problems.length > 0) {
  for (const problem of problems) log(`MISSING: ${problem}`);
  process.exit(1);
}
log('Chromium, MariaDB and PostgreSQL are ready.');
