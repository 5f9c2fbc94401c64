import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { SamlStatusError, type SamlConfig } from '@node-saml/node-saml';
import { Worker } from 'node:worker_threads';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { REQUEST_TTL_MS } from './saml-client.factory.js';
import { SamlRequestCache } from './saml-request-cache.js';

/** What node-saml's validatePostResponseAsync found, as plain data. */
export interface ValidatedResponse {
  loggedOut: boolean;
  profile: {
    nameID: string;
    nameIDFormat: string | null;
    sessionIndex: string | null;
    attributes: Record<string, unknown>;
    /** The assertion node-saml verified (decrypted first when it was encrypted). */
    assertionXml: string | null;
  } | null;
}

interface PoolWorker {
  worker: Worker;
  inFlight: number;
}

interface Pending {
  resolve(value: ValidatedResponse): void;
  reject(error: Error): void;
  owner: PoolWorker;
}

type WorkerMessage =
  | { type: 'result'; id: number; value?: ValidatedResponse; error?: { name: string; message: string; xmlStatus?: string } }
  | { type: 'cache'; id: number; idpId: number; op: 'save' | 'get' | 'remove'; args: [string, string?] };

const WORKER_FILE = new URL('./saml-validation.worker.mjs', import.meta.url);

/**
 * node-saml's response validation on worker threads (DESIGN.md: heavy CPU work stays off the event
 * loop). Each worker runs node-saml unchanged; its InResponseTo cache calls come back here, where
 * the cache lives in PostgreSQL. Workers start on the first SSO login and are replaced if one dies.
 */
@Injectable()
export class SamlValidationPool implements OnApplicationShutdown {
  private readonly logger = new Logger(SamlValidationPool.name);
  private readonly workers: PoolWorker[] = [];
  private readonly pending = new Map<number, Pending>();
  private lastId = 0;
  private closed = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /** Validates a base64 SAMLResponse for the IdP; `clientKey` names the version of its settings. */
  validate(idpId: number, clientKey: string, options: SamlConfig, samlResponse: string): Promise<ValidatedResponse> {
    if (this.closed) return Promise.reject(new Error('the application is shutting down'));
    const owner = this.leastBusy();
    const id = ++this.lastId;
    return new Promise<ValidatedResponse>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, owner });
      owner.inFlight++;
      owner.worker.postMessage({ type: 'validate', id, idpId, clientKey, options, samlResponse });
    });
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    await Promise.all(this.workers.splice(0).map((w) => w.worker.terminate()));
    for (const [id, call] of this.pending) {
      this.pending.delete(id);
      call.reject(new Error('the application is shutting down'));
    }
  }

  private leastBusy(): PoolWorker {
    if (this.workers.length < this.config.samlWorkers) {
      const idle = this.workers.find((w) => w.inFlight === 0);
      if (idle) return idle;
      return this.start();
    }
    return this.workers.reduce((best, w) => (w.inFlight < best.inFlight ? w : best));
  }

  private start(): PoolWorker {
    const entry: PoolWorker = { worker: new Worker(WORKER_FILE), inFlight: 0 };
    // The pool never keeps the process alive on its own; shutdown terminates the workers.
    entry.worker.unref();
    entry.worker.on('message', (message: WorkerMessage) => this.onMessage(entry, message));
    entry.worker.on('error', (error) => this.retire(entry, error));
    entry.worker.on('exit', (code) => this.retire(entry, new Error(`the SAML validation worker exited with code ${code}`)));
    this.workers.push(entry);
    return entry;
  }

  private onMessage(entry: PoolWorker, message: WorkerMessage): void {
    if (message.type === 'cache') {
      void this.answerCache(entry, message);
      return;
    }
    const call = this.pending.get(message.id);
    if (!call) return;
    this.pending.delete(message.id);
    entry.inFlight--;
    if (message.error) {
      const { name, message: text, xmlStatus } = message.error;
      // explainSamlError words an IdP's error status differently from a broken response.
      call.reject(name === 'SamlStatusError' ? new SamlStatusError(text, xmlStatus ?? '') : new Error(text));
    } else {
      call.resolve(message.value!);
    }
  }

  private async answerCache(entry: PoolWorker, message: Extract<WorkerMessage, { type: 'cache' }>): Promise<void> {
    const cache = new SamlRequestCache(this.dataSource, message.idpId, REQUEST_TTL_MS);
    try {
      const [key, value] = message.args;
      const result =
        message.op === 'save'
          ? await cache.saveAsync(key, value ?? '')
          : message.op === 'get'
            ? await cache.getAsync(key)
            : await cache.removeAsync(key);
      entry.worker.postMessage({ type: 'cache-result', id: message.id, value: result });
    } catch (error) {
      entry.worker.postMessage({ type: 'cache-result', id: message.id, error: (error as Error).message ?? String(error) });
    }
  }

  /** A dead worker's logins fail with the reason; the next login starts a new worker. */
  private retire(entry: PoolWorker, error: Error): void {
    const at = this.workers.indexOf(entry);
    if (at < 0) return;
    this.workers.splice(at, 1);
    if (!this.closed) this.logger.error(`SAML validation worker stopped: ${error.message}`);
    for (const [id, call] of this.pending) {
      if (call.owner !== entry) continue;
      this.pending.delete(id);
      call.reject(error);
    }
  }
}
