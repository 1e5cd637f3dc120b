import { type Executor, partnerOrgs, users } from '@konsort/db';
import { and, eq, inArray } from 'drizzle-orm';
import { notify } from './notify.ts';

/**
 * Tells the managers (or, without any, the admins) that a partner submitted a registration.
 * Called in the submitting partner's transaction.
 */
export async function notifyRegistrationSubmitted(
  tx: Executor,
  registration: { id: string; companyName: string; partnerOrgId: string },
): Promise<void> {
  const leaders = await tx
    .select({ id: users.id, role: users.role })
    .from(users)
    .where(and(inArray(users.role, ['manager', 'admin']), eq(users.active, true)));
  const managers = leaders.filter((u) => u.role === 'manager');
  const recipients = (managers.length > 0 ? managers : leaders).map((u) => u.id);
  const [org] = await tx
    .select({ name: partnerOrgs.name })
    .from(partnerOrgs)
    .where(eq(partnerOrgs.id, registration.partnerOrgId));
  await notify(tx, {
    userIds: recipients,
    kind: 'registration.submitted',
    params: { company: registration.companyName, partner: org?.name ?? '', registrationId: registration.id },
  });
}
