/**
 * The calling user as everything downstream of authentication sees it: rules (`%%user`), functions
 * (`context.user`), the mongodb service and the request log. Field names are App Services' own
 * (`custom_data`, `provider_type`), because rules and functions read them by those names.
 */
export interface UserIdentity {
  /** The provider's id for the user: the JWT `sub`, the API key's id, the email user's id … */
  id: string;
  provider_type: string;
  /** The provider's name in auth/providers.json (equal to the type for built-in providers). */
  provider_id: string;
  provider_data?: Record<string, unknown>;
}

export interface AppUser {
  /** A 24-hex ObjectId string; empty for the system user. */
  id: string;
  /** `server` for API-key users created with a server key, `system` only for the system user. */
  type: 'normal' | 'server' | 'system';
  /** Profile data from the providers' metadata (`name`, `email`, JWT metadata_fields …). */
  data: Record<string, unknown>;
  /** The custom user data document (auth/custom_user_data.json), or {} when none or not fetched. */
  custom_data: Record<string, unknown>;
  identities: UserIdentity[];
}

/** Who a function or service call runs as when it runs as system: rules do not apply. */
export const SYSTEM_USER: AppUser = Object.freeze({
  id: '',
  type: 'system' as const,
  data: Object.freeze({}) as Record<string, unknown>,
  custom_data: Object.freeze({}) as Record<string, unknown>,
  identities: Object.freeze([]) as unknown as UserIdentity[],
});
