import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { SamlStatusError, type SamlConfig } from '@node-saml/node-saml';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
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

/** The pool could not validate (no worker, a worker died or hung, shutdown): Atrium's fault, not the IdP's. */
export class SamlValidationUnavailable extends Error {}

interface PoolWorker {
  worker: Worker;
  inFlight: number;
}

interface Pending {
  resolve(value: ValidatedResponse): void;
  reject(error: Error): void;
  owner: PoolWorker;
  timer: NodeJS.Timeout;
}

type WorkerMessage =
  | { type: 'result'; id: number; value?: ValidatedResponse; error?: { name: string; message: string; xmlStatus?: string } }
  | { type: 'cache'; id: number; idpId: number; op: 'save' | 'get' | 'remove'; args: [string, string?] };

const WORKER_FILE = new URL('./saml-validation.worker.mjs', import.meta.url);
/** A validation takes milliseconds; one that takes this long is stuck, and its worker is replaced. */
const VALIDATION_TIMEOUT_MS = 30_000;

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * node-saml's response validation on worker threads (DESIGN.md: heavy CPU work stays off the event
 * loop). Each worker runs node-saml unchanged; its InResponseTo cache calls come back here, where
 * the cache lives in PostgreSQL. Workers start on the first SSO login; one that dies or hangs is
 * replaced, and only the logins it was handling fail.
 */
@Injectable()
export class SamlValidationPool implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(SamlValidationPool.name);
  private readonly workers: PoolWorker[] = [];
  private readonly pending = new Map<number, Pending>();
  private lastId = 0;
  private closed = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /** A build that left the worker out would fail every SSO login: say so at start-up. */
  onModuleInit(): void {
    if (!existsSync(fileURLToPath(WORKER_FILE))) {
      this.logger.error(`${fileURLToPath(WORKER_FILE)} is missing: SAML logins will fail. Rebuild with npm run build.`);
    }
  }

  /** Validates a base64 SAMLResponse for the IdP; `clientKey` names the version of its settings. */
  validate(idpId: number, clientKey: string, options: SamlConfig, samlResponse: string): Promise<ValidatedResponse> {
    return new Promise<ValidatedResponse>((resolve, reject) => {
      if (this.closed) throw new SamlValidationUnavailable('the application is shutting down');
      const owner = this.leastBusy();
      const id = ++this.lastId;
      const timer = setTimeout(() => {
        this.logger.error(`A SAML validation took over ${VALIDATION_TIMEOUT_MS / 1000} s; replacing its worker.`);
        void owner.worker.terminate();
        this.retire(owner, new SamlValidationUnavailable('the validation did not finish in time'));
      }, VALIDATION_TIMEOUT_MS);
      timer.unref();
      this.pending.set(id, { resolve, reject, owner, timer });
      owner.inFlight++;
      try {
        owner.worker.postMessage({ type: 'validate', id, idpId, clientKey, options, samlResponse });
      } catch (error) {
        this.settle(id)?.reject(new SamlValidationUnavailable(`the response could not be handed to a worker: ${messageOf(error)}`));
      }
    }).catch((error: unknown) => {
      throw error instanceof Error ? error : new SamlValidationUnavailable(messageOf(error));
    });
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    const workers = this.workers.splice(0);
    for (const id of [...this.pending.keys()]) {
      this.settle(id)?.reject(new SamlValidationUnavailable('the application is shutting down'));
    }
    await Promise.all(workers.map((w) => w.worker.terminate()));
  }

  /** Removes a call from the books (timer, count) and returns it, once. */
  private settle(id: number): Pending | undefined {
    const call = this.pending.get(id);
    if (!call) return undefined;
    this.pending.delete(id);
    clearTimeout(call.timer);
    call.owner.inFlight--;
    return call;
  }

  private leastBusy(): PoolWorker {
    if (this.workers.length < this.config.samlWorkers) {
      const idle = this.workers.find((w) => w.inFlight === 0);
      return idle ?? this.start();
    }
    return this.workers.reduce((best, w) => (w.inFlight < best.inFlight ? w : best));
  }

  private start(): PoolWorker {
    let worker: Worker;
    try {
      worker = new Worker(WORKER_FILE);
    } catch (error) {
      throw new SamlValidationUnavailable(`no SAML validation worker could start: ${messageOf(error)}`);
    }
    const entry: PoolWorker = { worker, inFlight: 0 };
    // The pool never keeps the process alive on its own; shutdown terminates the workers.
    worker.unref();
    worker.on('message', (message: WorkerMessage) => this.onMessage(entry, message));
    worker.on('messageerror', (error) => this.logger.error(`A SAML validation worker sent a message that could not be read: ${error.message}`));
    worker.on('error', (error) => this.retire(entry, new SamlValidationUnavailable(`the SAML validation worker failed: ${error.message}`)));
    worker.on('exit', (code) => this.retire(entry, new SamlValidationUnavailable(`the SAML validation worker exited with code ${code}`)));
    this.workers.push(entry);
    return entry;
  }

  private onMessage(entry: PoolWorker, message: WorkerMessage): void {
    if (message.type === 'cache') {
      void this.answerCache(entry, message);
      return;
    }
    const call = this.settle(message.id);
    if (!call) return;
    if ('error' in message && message.error) {
      const { name, message: text, xmlStatus } = message.error;
      // explainSamlError words an IdP's error status differently from a broken response.
      call.reject(name === 'SamlStatusError' ? new SamlStatusError(text, xmlStatus ?? '') : new Error(text));
    } else {
      call.resolve(message.value!);
    }
  }

  private async answerCache(entry: PoolWorker, message: Extract<WorkerMessage, { type: 'cache' }>): Promise<void> {
    const cache = new SamlRequestCache(this.dataSource, message.idpId, REQUEST_TTL_MS);
    let reply: { value: unknown } | { error: string };
    try {
      const [key, value] = message.args;
      reply = {
        value:
          message.op === 'save'
            ? await cache.saveAsync(key, value ?? '')
            : message.op === 'get'
              ? await cache.getAsync(key)
              : await cache.removeAsync(key),
      };
    } catch (error) {
      reply = { error: messageOf(error) || 'the request cache failed' };
    }
    // A worker that died meanwhile ignores this.
    entry.worker.postMessage({ type: 'cache-result', id: message.id, ...reply });
  }

  /** A dead (or stuck) worker's logins fail with the reason; the next login starts a new worker. */
  private retire(entry: PoolWorker, error: Error): void {
    const at = this.workers.indexOf(entry);
    if (at < 0) return;
    this.workers.splice(at, 1);
    if (!this.closed) this.logger.error(`SAML validation worker stopped: ${error.message}`);
    for (const [id, call] of [...this.pending]) {
      if (call.owner === entry) this.settle(id)?.reject(error);
    }
  }
}
