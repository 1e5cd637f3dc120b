/**
 * `edi.ingestMany`: a poll batch of inbound files in ONE transaction — the backlog path.
 *
 * Same effects as calling `ingest` once per file, in far fewer statements. A 10,000-file backlog
 * is mostly new original orders, so those take a bulk path: all messages in one
 * `INSERT … ON CONFLICT DO NOTHING` on the idempotency key, orders, lines, acknowledgements and
 * audit entries in one statement each. Every other file (a duplicate, a reprocess, an invalid
 * file, a change or cancellation, shipments and invoices, an order number already known or named
 * by two files of the batch) runs the single-file steps inside its own savepoint, in input order,
 * after the bulk part. A file that fails unexpectedly is rolled back alone and reported `failed`
 * (the bridge leaves it in the inbox); the rest commit together.
 *
 * Exactly once, as for `ingest`: nothing is visible before the commit; the bridge archives files
 * only after it; a file sent again hits the unique key and comes back `duplicate` with the
 * acknowledgement stored the first time. Two bridges racing on overlapping batches lock the
 * unique index in key order, so they wait for each other instead of deadlocking.
 */
import { createHash } from 'node:crypto';
import { type Database, ediMessages, orders, type Transaction } from '@konsort/db';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { type AuditInput, diff } from '../audit.ts';
import { assertCan } from '../policy/index.ts';
import { actorOf, type Principal } from '../principal.ts';
import { inTransaction } from '../tx.ts';
import type { IngestInput, ingestManyInput, PurchaseOrderInput } from './schemas.ts';
import {
  activeProfile,
  completeMessage,
  DocumentRejection,
  type IngestResult,
  ingestIn,
  type LookupCache,
  orderCreateAuditFields,
  orderValues,
  type ProfileRow,
} from './service.ts';

export type IngestManyResult = IngestResult | { status: 'failed'; error: string };

type File = IngestInput;

function rowsOf<T>(result: unknown): T[] {
  // postgres.js returns the rows array, PGlite an object with `rows`.
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}

/**
 * Inserts rows passed as ONE jsonb parameter (`jsonb_to_recordset`) instead of one parameter per
 * value: for the thousands of rows of a batch, binding and building the parameters was most of the
 * statements' cost. `columns` are trusted constants (column → SQL type), never input.
 */
async function insertRecords<R = never>(
  tx: Transaction,
  table: string,
  columns: Record<string, string>,
  rows: Record<string, unknown>[],
  returning = '',
): Promise<R[]> {
  if (rows.length === 0) return [];
  const names = Object.keys(columns).join(', ');
  const types = Object.entries(columns)
    .map(([name, type]) => `${name} ${type}`)
    .join(', ');
  const result = await tx.execute(
    sql`insert into ${sql.raw(table)} (${sql.raw(names)}) select ${sql.raw(names)} from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(${sql.raw(types)})${sql.raw(returning ? ` returning ${returning}` : '')}`,
  );
  return rowsOf<R>(result);
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const keyOf = (f: Pick<File, 'interchangeControlNumber' | 'fileHash'>) =>
  `${f.interchangeControlNumber}\u0000${f.fileHash}`;

/** The order numbers a file's documents name (orders, shipments, invoices alike). */
function poNumbersOf(file: File): string[] {
  return file.documents.flatMap((d) =>
    d.kind === 'purchaseOrder' || d.kind === 'shipmentNotice' || d.kind === 'invoice'
      ? [d.document.poNumber]
      : [],
  );
}

/** A new, valid file of original orders only: the bulk path can take it. */
function bulkCandidate(file: File): boolean {
  return (
    file.valid &&
    file.documents.length > 0 &&
    file.documents.every((d) => d.kind === 'purchaseOrder' && d.document.purpose === 'original')
  );
}

export async function ingestMany(
  db: Database,
  principal: Principal,
  input: z.output<typeof ingestManyInput>,
): Promise<{ results: IngestManyResult[] }> {
  assertCan(principal, 'create', { type: 'ediExchange' });
  return inTransaction(db, principal, async (tx) => {
    const profile = await activeProfile(tx, input.profileId);
    const files: File[] = input.files.map((f) => ({ ...f, profileId: profile.id }));
    const results: IngestManyResult[] = new Array(files.length);
    const cache: LookupCache = new Map();

    // 1. Claim every new message in one statement, in key order (the lock order); known keys are skipped.
    const firstOfKey = new Map<string, number>();
    files.forEach((f, i) => {
      if (!firstOfKey.has(keyOf(f))) firstOfKey.set(keyOf(f), i);
    });
    const claimOrder = [...firstOfKey.values()].sort(
      (a, b) =>
        compare(files[a]!.interchangeControlNumber, files[b]!.interchangeControlNumber) ||
        compare(files[a]!.fileHash, files[b]!.fileHash),
    );
    const claimed = new Map<number, string>();
    const now = new Date();
    const rows = await tx.execute(
      sql`insert into edi_messages (profile_id, direction, standard, document_type, interchange_control_number, sender_id, receiver_id, file_name, file_hash, status, errors, raw, processed_at)
          select ${profile.id}::uuid, 'inbound', x.standard, x.document_type, x.interchange_control_number, x.sender_id, x.receiver_id, x.file_name, x.file_hash, x.status, x.errors, x.raw, ${now.toISOString()}::timestamptz
          from jsonb_to_recordset(${JSON.stringify(
            claimOrder.map((i) => {
              const f = files[i]!;
              return {
                standard: f.standard,
                document_type: f.documentType,
                interchange_control_number: f.interchangeControlNumber,
                sender_id: f.senderId ?? null,
                receiver_id: f.receiverId ?? null,
                file_name: f.fileName,
                file_hash: f.fileHash,
                status: f.valid ? 'processed' : 'rejected',
                errors: f.errors,
                raw: f.raw,
              };
            }),
          )}::jsonb) as x(standard edi_standard, document_type text, interchange_control_number text, sender_id text, receiver_id text, file_name text, file_hash text, status edi_message_status, errors jsonb, raw text)
          order by x.interchange_control_number, x.file_hash
          on conflict (profile_id, interchange_control_number, file_hash) where direction = 'inbound' do nothing
          returning id, interchange_control_number, file_hash`,
    );
    const byKey = new Map(
      rowsOf<{ id: string; interchange_control_number: string | null; file_hash: string }>(rows).map((r) => [
        keyOf({ interchangeControlNumber: r.interchange_control_number ?? '', fileHash: r.file_hash }),
        r.id,
      ]),
    );
    for (const i of claimOrder) {
      const id = byKey.get(keyOf(files[i]!));
      if (id) claimed.set(i, id);
    }

    // 2. Which claimed files the bulk path takes: original orders whose numbers no other file of
    //    the batch names and no earlier order of the partner has.
    const named = new Map<string, number>();
    for (const f of files) for (const po of new Set(poNumbersOf(f))) named.set(po, (named.get(po) ?? 0) + 1);
    let bulk = [...claimed.keys()].filter((i) => {
      const pos = poNumbersOf(files[i]!);
      return (
        bulkCandidate(files[i]!) && new Set(pos).size === pos.length && pos.every((po) => named.get(po) === 1)
      );
    });
    const bulkPos = bulk.flatMap((i) => poNumbersOf(files[i]!));
    if (bulkPos.length > 0) {
      const known = await tx
        .select({ poNumber: orders.poNumber })
        .from(orders)
        .where(
          and(
            eq(orders.partnerOrgId, profile.partnerOrgId),
            eq(orders.direction, 'inbound'),
            inArray(orders.poNumber, bulkPos),
          ),
        );
      const knownPos = new Set(known.map((k) => k.poNumber));
      bulk = bulk.filter((i) => poNumbersOf(files[i]!).every((po) => !knownPos.has(po)));
    }

    // 3. The bulk part, in a savepoint: should it fail (say a concurrent writer took an order
    //    number first), its files fall back to the single-file path below.
    let bulkDone = new Set<number>();
    if (bulk.length > 0) {
      try {
        const done = await tx.transaction((sp) =>
          bulkOriginalOrders(sp, principal, profile, files, bulk, claimed, cache),
        );
        for (const [i, result] of done) results[i] = result;
        bulkDone = new Set(done.keys());
      } catch {
        // Rolled back to the savepoint: the single-file path below records each file's own outcome.
        bulkDone = new Set();
      }
    }

    // 4. Everything else, one savepoint per file, in input order.
    for (let i = 0; i < files.length; i++) {
      if (bulkDone.has(i)) continue;
      const file = files[i]!;
      const messageId = claimed.get(i);
      try {
        results[i] = await tx.transaction((sp) =>
          messageId
            ? completeMessage(sp, principal, profile, file, messageId, true, cache)
            : ingestIn(sp, principal, profile, file),
        );
      } catch (e) {
        // Unclaim: a failed file must come back as new, not as a `duplicate` of nothing.
        if (messageId) await tx.delete(ediMessages).where(eq(ediMessages.id, messageId));
        results[i] = { status: 'failed', error: (e as Error).message.slice(0, 500) };
      }
    }
    return { results };
  });
}

/**
 * New original orders of claimed messages, set-wise. Returns the results of the files it took; a
 * file whose order cannot be mapped (a business-rule rejection) is left to the single-file path,
 * which records the rejection.
 */
async function bulkOriginalOrders(
  tx: Transaction,
  principal: Principal,
  profile: ProfileRow,
  files: File[],
  indexes: number[],
  claimed: Map<number, string>,
  cache: LookupCache,
): Promise<Map<number, IngestResult>> {
  type Planned = {
    file: number;
    po: PurchaseOrderInput;
    values: Awaited<ReturnType<typeof orderValues>>['values'];
    lines: Awaited<ReturnType<typeof orderValues>>['lines'];
  };
  const planned: Planned[] = [];
  const taken: number[] = [];
  for (const i of indexes) {
    const messageId = claimed.get(i)!;
    const mine: Planned[] = [];
    try {
      for (const doc of files[i]!.documents) {
        if (doc.kind !== 'purchaseOrder') continue;
        const { values, lines } = await orderValues(tx, profile, messageId, doc.document, cache);
        mine.push({ file: i, po: doc.document, values, lines });
      }
    } catch (e) {
      if (e instanceof DocumentRejection) continue;
      throw e;
    }
    planned.push(...mine);
    taken.push(i);
  }
  // Orders in order-number order: the unique index is locked in a stable order.
  planned.sort((a, b) => compare(a.po.poNumber, b.po.poNumber));

  const orderIdOf = new Map<string, string>();
  const orderRows = await insertRecords<{ id: string; po_number: string }>(
    tx,
    'orders',
    {
      direction: 'order_direction',
      partner_org_id: 'uuid',
      account_id: 'uuid',
      opportunity_id: 'uuid',
      po_number: 'text',
      po_date: 'date',
      currency: 'char(3)',
      total_minor: 'bigint',
      discrepancy_minor: 'bigint',
      source_message_id: 'uuid',
      document: 'jsonb',
    },
    planned.map((p) => ({
      direction: 'inbound',
      partner_org_id: profile.partnerOrgId,
      account_id: p.values.accountId,
      opportunity_id: p.values.opportunityId,
      po_number: p.po.poNumber,
      po_date: p.values.poDate,
      currency: p.values.currency,
      total_minor: p.values.totalMinor,
      discrepancy_minor: p.values.discrepancyMinor,
      source_message_id: p.values.sourceMessageId,
      document: p.values.document,
    })),
    'id, po_number',
  );
  for (const r of orderRows) orderIdOf.set(r.po_number, r.id);
  await insertRecords(
    tx,
    'order_lines',
    {
      order_id: 'uuid',
      line_number: 'text',
      product_id: 'text',
      description: 'text',
      quantity: 'numeric',
      unit: 'text',
      unit_price_minor: 'bigint',
      price_scale: 'integer',
      line_total_minor: 'bigint',
    },
    planned.flatMap((p) =>
      p.lines.map((l) => ({
        order_id: orderIdOf.get(p.po.poNumber)!,
        line_number: l.lineNumber,
        product_id: l.productId,
        description: l.description,
        quantity: l.quantity,
        unit: l.unit,
        unit_price_minor: l.unitPriceMinor,
        price_scale: l.priceScale,
        line_total_minor: l.lineTotalMinor,
      })),
    ),
  );

  // Acknowledgements as queued outbound messages, each linked both ways with its inbound message.
  const withAck = taken.filter((i) => files[i]!.ack);
  const ackOf = new Map<number, { id: string; fileName: string; raw: string }>();
  const ackRows = await insertRecords<{ id: string; related_message_id: string }>(
    tx,
    'edi_messages',
    {
      profile_id: 'uuid',
      direction: 'edi_direction',
      standard: 'edi_standard',
      document_type: 'text',
      interchange_control_number: 'text',
      sender_id: 'text',
      receiver_id: 'text',
      file_name: 'text',
      file_hash: 'text',
      status: 'edi_message_status',
      raw: 'text',
      related_message_id: 'uuid',
    },
    withAck.map((i) => {
      const f = files[i]!;
      const ack = f.ack!;
      return {
        profile_id: profile.id,
        direction: 'outbound',
        standard: profile.standard,
        document_type: ack.documentType,
        interchange_control_number: ack.interchangeControlNumber,
        sender_id: f.receiverId ?? null,
        receiver_id: f.senderId ?? null,
        file_name: ack.fileName,
        file_hash: createHash('sha256').update(ack.raw).digest('hex'),
        status: 'queued',
        raw: ack.raw,
        related_message_id: claimed.get(i)!,
      };
    }),
    'id, related_message_id',
  );
  const ackIdOf = new Map(ackRows.map((r) => [r.related_message_id, r.id]));
  for (const i of withAck) {
    const ack = files[i]!.ack!;
    ackOf.set(i, { id: ackIdOf.get(claimed.get(i)!)!, fileName: ack.fileName, raw: ack.raw });
  }
  if (withAck.length > 0) {
    const pairs = withAck.map((i) => ({ id: claimed.get(i)!, ack: ackOf.get(i)!.id }));
    await tx.execute(
      sql`update edi_messages set related_message_id = v.ack from jsonb_to_recordset(${JSON.stringify(pairs)}::jsonb) as v(id uuid, ack uuid) where edi_messages.id = v.id`,
    );
  }

  const audit: AuditInput[] = [];
  for (const p of planned) {
    audit.push({
      action: 'create',
      entity: 'order',
      entityId: orderIdOf.get(p.po.poNumber)!,
      changes: diff<Record<string, unknown>>(
        null,
        { ...p.values, poNumber: p.po.poNumber },
        orderCreateAuditFields,
      ),
    });
  }
  const results = new Map<number, IngestResult>();
  for (const i of taken) {
    const f = files[i]!;
    const messageId = claimed.get(i)!;
    const ack = ackOf.get(i);
    audit.push({
      action: 'ingest',
      entity: 'edi_message',
      entityId: messageId,
      changes: {
        status: [null, 'processed'],
        fileName: [null, f.fileName],
        interchangeControlNumber: [null, f.interchangeControlNumber],
        acknowledgement: [null, ack?.fileName ?? null],
      },
    });
    const orderIds = [
      ...new Set(
        f.documents.flatMap((d) => (d.kind === 'purchaseOrder' ? [orderIdOf.get(d.document.poNumber)!] : [])),
      ),
    ];
    results.set(i, {
      status: 'processed',
      messageId,
      ...(orderIds[0] ? { orderId: orderIds[0] } : {}),
      orderIds,
      ack: ack ? { messageId: ack.id, fileName: ack.fileName, raw: ack.raw, status: 'queued' } : null,
    });
  }
  const actor = actorOf(principal);
  await insertRecords(
    tx,
    'audit_log',
    {
      actor_type: 'actor_type',
      actor_id: 'uuid',
      action: 'text',
      entity: 'text',
      entity_id: 'text',
      changes: 'jsonb',
    },
    audit.map((e) => ({
      actor_type: actor.actorType,
      actor_id: actor.actorId,
      action: e.action,
      entity: e.entity,
      entity_id: e.entityId,
      changes: e.changes ?? {},
    })),
  );
  return results;
}
