import { Inject, Injectable } from '@nestjs/common';
import bcrypt from 'bcrypt';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';

/** bcrypt hashing; the async calls run on libuv's thread pool, off the event loop. */
@Injectable()
export class PasswordService {
  private dummyHash?: Promise<string>;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  hash(password: string): Promise<string> {
    return bcrypt.hash(password, this.config.bcryptCost);
  }

  /**
   * Compares against the real hash, or against a dummy hash of the same cost when
   * there is none, so unknown and SSO-only accounts cost the same time as real ones.
   */
  async verify(password: string, hash: string | null | undefined): Promise<boolean> {
    this.dummyHash ??= bcrypt.hash('atrium-dummy-password', this.config.bcryptCost);
    const target = hash || (await this.dummyHash);
    const ok = await bcrypt.compare(password, target);
    return ok && !!hash;
  }
}
