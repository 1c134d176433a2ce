import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { AppError } from '../../../shared/errors.ts';

/**
 * Where passwords live. Never in the catalog, never sent to the renderer. The Electron main process provides a
 * cipher backed by safeStorage; the CLI and web mode keep secrets in memory for the session only.
 */
export interface SecretStore {
  readonly persistent: boolean;
  get(sourceId: string): string | undefined;
  set(sourceId: string, secret: string): void;
  delete(sourceId: string): void;
}

export class MemorySecretStore implements SecretStore {
  readonly persistent = false;
  readonly #secrets = new Map<string, string>();

  get(sourceId: string): string | undefined {
    return this.#secrets.get(sourceId);
  }

  set(sourceId: string, secret: string): void {
    this.#secrets.set(sourceId, secret);
  }

  delete(sourceId: string): void {
    this.#secrets.delete(sourceId);
  }
}

/** Encrypts and decrypts one secret; safeStorage in the app. */
export interface SecretCipher {
  encrypt(plain: string): Buffer;
  decrypt(encrypted: Buffer): string;
}

/** Secrets encrypted one by one with a {@link SecretCipher}, in a JSON file written atomically (0600). */
export class EncryptedFileSecretStore implements SecretStore {
  readonly persistent = true;
  readonly #file: string;
  readonly #cipher: SecretCipher;
  readonly #encrypted: Map<string, string>;

  constructor(file: string, cipher: SecretCipher) {
    this.#file = file;
    this.#cipher = cipher;
    this.#encrypted = new Map();
    if (existsSync(file)) {
      try {
        const parsed = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
        for (const [id, value] of Object.entries(parsed)) if (typeof value === 'string') this.#encrypted.set(id, value);
      } catch {
        throw new AppError(
          'storage',
          `The secrets file ${file} is unreadable; remove it and enter the passwords again.`,
        );
      }
    }
  }

  get(sourceId: string): string | undefined {
    const value = this.#encrypted.get(sourceId);
    return value === undefined ? undefined : this.#cipher.decrypt(Buffer.from(value, 'base64'));
  }

  set(sourceId: string, secret: string): void {
    this.#encrypted.set(sourceId, this.#cipher.encrypt(secret).toString('base64'));
    this.#flush();
  }

  delete(sourceId: string): void {
    if (this.#encrypted.delete(sourceId)) this.#flush();
  }

  #flush(): void {
    const temporary = `${this.#file}.tmp`;
    writeFileSync(temporary, JSON.stringify(Object.fromEntries(this.#encrypted)), { mode: 0o600 });
    renameSync(temporary, this.#file);
  }
}
