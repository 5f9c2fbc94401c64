import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { isEmail } from 'class-validator';
import { DataSource } from 'typeorm';
import { preparedQuery } from '../database/prepared-query.js';
import { UserInputError } from '../users/user-input.error.js';
import { USER_SUMMARY_SELECT, type UserSummary } from '../users/user-summary.js';
import { UsersService } from '../users/users.service.js';
import type { IdentityProvider } from './identity-provider.js';
import { SamlRefusal } from './saml/saml-refusal.js';
import { firstValue, fullNameOf, loginValue, type SsoIdentity } from './sso-identity.js';

/** Refusal where the person gets a page naming the account, not a generic error. */
export class NoAccountRefusal extends SamlRefusal {
  constructor(
    reason: string,
    readonly account: string,
  ) {
    super(reason);
  }
}

export interface LinkedUser {
  user: UserSummary;
  created: boolean;
  newlyLinked: boolean;
}

/** Maps (IdP, subject) to an Atrium user: the link table, first-login matching and auto-creation. */
@Injectable()
export class AccountLinkingService {
  private readonly logger = new Logger(AccountLinkingService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly users: UsersService,
  ) {}

  /** The stable subject: Entra's objectidentifier (or the configured attribute) when present, else NameID. */
  subjectOf(idp: IdentityProvider, identity: SsoIdentity): string {
    return firstValue(identity, idp.settings.subjectAttribute) ?? identity.nameId;
  }

  async resolveUser(idp: IdentityProvider, identity: SsoIdentity): Promise<LinkedUser> {
    const subject = this.subjectOf(idp, identity);
    if (!subject) throw new SamlRefusal('the assertion has no NameID and no subject attribute');

    const linked = await this.findLinkedUser(idp.id, subject);
    if (linked) {
      this.assertActive(linked);
      const user = idp.settings.updateProfileOnLogin ? await this.updateProfile(linked, idp, identity) : linked;
      return { user, created: false, newlyLinked: false };
    }

    const value = loginValue(identity, idp.settings);
    if (!value) {
      throw new SamlRefusal(`the assertion has no ${idp.settings.loginAttribute} to find the account with`);
    }
    const match = await this.findMatch(idp, value);
    if (match) {
      this.assertActive(match);
      await this.createLink(idp.id, subject, match.id);
      const user = idp.settings.updateProfileOnLogin ? await this.updateProfile(match, idp, identity) : match;
      return { user, created: false, newlyLinked: true };
    }
    if (!idp.settings.createUsers) {
      throw new NoAccountRefusal(`no account for ${value} and auto-create is off`, value);
    }
    const user = await this.createUser(idp, identity, value);
    await this.createLink(idp.id, subject, user.id);
    return { user, created: true, newlyLinked: true };
  }

  async hasLink(userId: string): Promise<boolean> {
    const rows = await this.dataSource.query(`SELECT 1 FROM sso_links WHERE user_id = $1 LIMIT 1`, [userId]);
    return rows.length > 0;
  }

  private assertActive(user: UserSummary): void {
    if (!user.active) throw new NoAccountRefusal(`account ${user.username} is deactivated`, user.username);
  }

  /**
   * The user linked to (IdP, subject), if any, and the link's last use stamped: one statement,
   * so a returning user costs the login one round trip here.
   */
  private async findLinkedUser(idpId: number, subject: string): Promise<UserSummary | null> {
    const rows = await preparedQuery<UserSummary>(
      this.dataSource,
      `WITH link AS (
         UPDATE sso_links SET last_login_at = now() WHERE idp_id = $1 AND subject = $2 RETURNING user_id)
       ${USER_SUMMARY_SELECT} WHERE u.id = (SELECT user_id FROM link)`,
      [idpId, subject],
    );
    return rows[0] ?? null;
  }

  private async findMatch(idp: IdentityProvider, value: string): Promise<UserSummary | null> {
    const target = idp.settings.matchAgainst;
    const byUsername = target !== 'email' ? await this.users.findByUsername(value) : null;
    if (byUsername) return byUsername;
    return target !== 'username' ? this.users.findByEmail(value) : null;
  }

  private async createLink(idpId: number, subject: string, userId: string): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO sso_links (idp_id, subject, user_id) VALUES ($1, $2, $3)
       ON CONFLICT (idp_id, subject) DO UPDATE SET user_id = EXCLUDED.user_id, last_login_at = now()`,
      [idpId, subject.slice(0, 512), userId],
    );
  }

  private async createUser(idp: IdentityProvider, identity: SsoIdentity, username: string): Promise<UserSummary> {
    const emailClaim = firstValue(identity, idp.settings.emailAttribute);
    const email = emailClaim ?? (isEmail(identity.nameId) ? identity.nameId : null);
    if (!email) throw new SamlRefusal(`cannot create an account for ${username}: ${idp.name} sent no email address`);
    try {
      return await this.users.createUser(
        { username, fullName: fullNameOf(identity, idp.settings) ?? username, email },
        { requirePassword: false, groups: idp.settings.createUserGroups, via: `first login through ${idp.name}` },
      );
    } catch (error) {
      if (error instanceof UserInputError) {
        throw new SamlRefusal(`cannot create an account for ${username}: ${error.message}`);
      }
      throw error;
    }
  }

  /** Keeps full name and email in step with the IdP; an email another user owns is left alone. */
  private async updateProfile(user: UserSummary, idp: IdentityProvider, identity: SsoIdentity): Promise<UserSummary> {
    const fullName = fullNameOf(identity, idp.settings) ?? user.fullName;
    const email = firstValue(identity, idp.settings.emailAttribute) ?? user.email;
    if (fullName === user.fullName && email.toLowerCase() === user.email.toLowerCase()) return user;
    try {
      return await this.users.updateProfile(user.id, { fullName, email });
    } catch (error) {
      if (!(error instanceof UserInputError)) throw error;
      this.logger.warn(`Kept the profile of ${user.username}: ${error.message}`);
      return user;
    }
  }
}
