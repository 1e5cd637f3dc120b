import type { Locale, UserRole } from '@konsort/db';

export const internalRoles = ['admin', 'manager', 'rep'] as const satisfies readonly UserRole[];
export const partnerRoles = ['partner_admin', 'partner_member'] as const satisfies readonly UserRole[];
export type InternalRole = (typeof internalRoles)[number];
export type PartnerRole = (typeof partnerRoles)[number];

export interface InternalUser {
  kind: 'internal';
  userId: string;
  role: InternalRole;
  name: string;
  email: string;
  locale: Locale;
}

export interface PartnerUser {
  kind: 'partner';
  userId: string;
  role: PartnerRole;
  partnerOrgId: string;
  name: string;
  email: string;
  locale: Locale;
}

/** An API key acting for an integration such as the EDI bridge. */
export interface Integration {
  kind: 'integration';
  apiKeyId: string;
  scopes: readonly string[];
  locale: Locale;
}

export interface Anonymous {
  kind: 'anonymous';
  locale: Locale;
}

export type Principal = InternalUser | PartnerUser | Integration | Anonymous;
export type UserPrincipal = InternalUser | PartnerUser;

export function isInternalRole(role: UserRole): role is InternalRole {
  return (internalRoles as readonly string[]).includes(role);
}

export function principalFromUser(user: {
  id: string;
  role: UserRole;
  partnerOrgId: string | null;
  name: string;
  email: string;
  locale: Locale;
}): UserPrincipal {
  if (isInternalRole(user.role)) {
    return {
      kind: 'internal',
      userId: user.id,
      role: user.role,
      name: user.name,
      email: user.email,
      locale: user.locale,
    };
  }
  if (!user.partnerOrgId) throw new Error(`partner user ${user.id} has no partner organisation`);
  return {
    kind: 'partner',
    userId: user.id,
    role: user.role as PartnerRole,
    partnerOrgId: user.partnerOrgId,
    name: user.name,
    email: user.email,
    locale: user.locale,
  };
}

/** The actor recorded in the audit log. */
export function actorOf(p: Principal): {
  actorType: 'user' | 'integration' | 'system';
  actorId: string | null;
} {
  switch (p.kind) {
    case 'internal':
    case 'partner':
      return { actorType: 'user', actorId: p.userId };
    case 'integration':
      return { actorType: 'integration', actorId: p.apiKeyId };
    default:
      return { actorType: 'system', actorId: null };
  }
}
