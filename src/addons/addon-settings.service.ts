import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** How long a process trusts its cached copy; other processes see a change within this. */
export const SETTINGS_CACHE_MS = 3000;

/**
 * One JSON row per add-on in PostgreSQL behind a short-lived cache, so every process
 * behind a load balancer sees a change within a few seconds. Stored values are merged
 * over the add-on's typed defaults, so new settings get their default automatically.
 */
@Injectable()
export class AddonSettingsService {
  private readonly cache = new Map<string, { at: number; value: Record<string, unknown> }>();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async getSettings<T extends object>(addonKey: string, defaults: T): Promise<T> {
    const hit = this.cache.get(addonKey);
    if (hit && Date.now() - hit.at < SETTINGS_CACHE_MS) return { ...defaults, ...hit.value } as T;
    const rows = await this.dataSource.query(`SELECT settings FROM addon_settings WHERE addon_key = $1`, [addonKey]);
    const value = (rows[0]?.settings ?? {}) as Record<string, unknown>;
    this.cache.set(addonKey, { at: Date.now(), value });
    return { ...defaults, ...value } as T;
  }

  async saveSettings<T extends object>(addonKey: string, settings: T): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO addon_settings (addon_key, settings) VALUES ($1, $2)
       ON CONFLICT (addon_key) DO UPDATE SET settings = EXCLUDED.settings, updated_at = now()`,
      [addonKey, JSON.stringify(settings)],
    );
    this.cache.set(addonKey, { at: Date.now(), value: settings as Record<string, unknown> });
  }
}
