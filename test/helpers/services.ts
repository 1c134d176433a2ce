import net from 'node:net';

export const MARIADB = {
  host: '127.0.0.1',
  port: Number(process.env.SCHEMASCOPE_TEST_MYSQL_PORT ?? 3306),
  user: 'root',
  password: process.env.SCHEMASCOPE_TEST_MYSQL_PASSWORD ?? '',
};
export const POSTGRES = {
  host: '127.0.0.1',
  port: Number(process.env.SCHEMASCOPE_TEST_PG_PORT ?? 5432),
  user: 'postgres',
  password: process.env.SCHEMASCOPE_TEST_PG_PASSWORD ?? '',
};

export function mysqlUrl(database: string, password = MARIADB.password): string {
  return `mysql://${MARIADB.user}${password ? `:${encodeURIComponent(password)}` : ''}@${MARIADB.host}:${MARIADB.port}/${encodeURIComponent(database)}`;
}

export function postgresUrl(database: string): string {
  return `postgres://${POSTGRES.user}${POSTGRES.password ? `:${encodeURIComponent(POSTGRES.password)}` : ''}@${POSTGRES.host}:${POSTGRES.port}/${encodeURIComponent(database)}`;
}

/** Resolves when something accepts TCP connections there; the integration tier fails (never skips) otherwise. */
export function assertListening(name: string, host: string, port: number, hint: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    const timer = setTimeout(() => fail(new Error('timeout')), 3000);
    const fail = (error: Error): void => {
      clearTimeout(timer);
      socket.destroy();
      reject(
        new Error(
          `${name} is not reachable on ${host}:${port} (${error.message}). The integration tests need it: ${hint}`,
        ),
      );
    };
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.end();
      resolve();
    });
    socket.once('error', fail);
  });
}
