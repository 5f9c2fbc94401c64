/** A refused SAML message; `reason` is the sentence for the SSO trace and the admin. */
export class SamlRefusal extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}
