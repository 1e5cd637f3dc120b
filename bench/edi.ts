/**
 * edi: our grammar's tokenize + envelope validation (`validate`) against node-x12 1.7.1's strict
 * parse and `edifact` 1.2.12's Reader, on the same generated files (X12 850s and EDIFACT ORDERS,
 * ~5 MB each) in the same run: several repetitions, median MB/s.
 */
import { createRequire } from 'node:module';
import type { X12Parser as X12ParserType } from 'node-x12';
import { validate } from '../apps/edi-bridge/src/grammar/index.ts';
import { printTable, round, writeResult } from './lib.ts';

const require = createRequire(import.meta.url);
const { X12Parser } = require('node-x12') as { X12Parser: typeof X12ParserType };
// `edifact` ships no types: the one call we make, typed here.
const { Reader } = require('edifact') as { Reader: new () => { parse(text: string): unknown[] } };

const REPETITIONS = Number(process.env.KONSORT_BENCH_EDI_REPETITIONS ?? 7);
const TARGET_BYTES = 5 * 1024 * 1024;

/** One interchange, one group, as many 850s as make ~5 MB. */
export function generateX12(targetBytes = TARGET_BYTES): string {
  const isa =
    'ISA*00*          *00*          *ZZ*MUELLERGMBH    *ZZ*KONSORT        *240115*1030*U*00401*000000101*0*P*>~\n';
  const parts = [isa, 'GS*PO*MUELLERGMBH*KONSORT*20240115*1030*101*X*004010~\n'];
  let size = parts.join('').length;
  let sets = 0;
  while (size < targetBytes) {
    sets++;
    const st = String(sets).padStart(5, '0');
    const body = [
      `ST*850*${st}~`,
      `BEG*00*SA*PO${st}**20240115~`,
      'CUR*BY*EUR~',
      `REF*CT*DEAL-${st}~`,
      'N1*BY*Mueller GmbH*UL*4012345000009~',
      'N3*Hohe Strasse 12~',
      'N4*Koeln**50667*DE~',
    ];
    for (let line = 1; line <= 5; line++) {
      body.push(`PO1*${line}*${line * 12}*EA*12.50**BP*MG-${st}${line}*VP*KV-8812*EN*4006381000017~`);
      body.push('PID*F****Schraube M8x40 verzinkt, 100 Stk.~');
    }
    body.push('CTT*5~');
    body.push(`SE*${body.length + 1}*${st}~`);
    const text = `${body.join('\n')}\n`;
    parts.push(text);
    size += text.length;
  }
  parts.push(`GE*${sets}*101~\nIEA*1*000000101~\n`);
  return parts.join('');
}

/** One interchange of ORDERS D96A messages, ~5 MB. */
export function generateEdifact(targetBytes = TARGET_BYTES): string {
  const parts = ["UNA:+.? '\n", "UNB+UNOC:3+4012345000009:14+4098765000003:14+240115:1030+ORD0000123'\n"];
  let size = parts.join('').length;
  let messages = 0;
  while (size < targetBytes) {
    messages++;
    const ref = String(messages);
    const body = [
      `UNH+${ref}+ORDERS:D:96A:UN'`,
      `BGM+220+PO${ref}+9'`,
      "DTM+137:20240115:102'",
      `RFF+CT:DEAL-${ref}'`,
      "NAD+BY+4012345000009::9++Mueller GmbH+Hohe Strasse 12+Koeln++50667+DE'",
      "CUX+2:EUR:9'",
    ];
    for (let line = 1; line <= 5; line++) {
      body.push(`LIN+${line}++4006381000017:EN'`);
      body.push(`PIA+1+MG-${ref}${line}:BP'`);
      body.push("IMD+F++:::Schraube M8x40 ?+ Mutter, 100 Stk.'");
      body.push(`QTY+21:${line * 12}:PCE'`);
      body.push("PRI+AAA:12.50'");
    }
    body.push("UNS+S'", "CNT+2:5'");
    body.push(`UNT+${body.length + 1}+${ref}'`);
    const text = `${body.join('\n')}\n`;
    parts.push(text);
    size += text.length;
  }
  parts.push(`UNZ+${messages}+ORD0000123'\n`);
  return parts.join('');
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Median MB/s of `fn` over the repetitions (after one warm-up run). */
function measure(bytes: number, fn: () => unknown): { mbPerS: number; medianMs: number } {
  fn();
  const times: number[] = [];
  for (let i = 0; i < REPETITIONS; i++) {
    const start = process.hrtime.bigint();
    fn();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  const ms = median(times);
  return { mbPerS: round(bytes / 2 ** 20 / (ms / 1000), 1), medianMs: round(ms, 1) };
}

export async function edi() {
  const x12 = generateX12();
  const edifact = generateEdifact();
  const x12Bytes = new TextEncoder().encode(x12);
  const edifactBytes = new TextEncoder().encode(edifact);

  // Same input for everyone, and it must be valid for the comparison to mean anything.
  const x12Report = validate(x12);
  const edifactReport = validate(edifact);
  if (!x12Report.valid || !edifactReport.valid) {
    throw new Error(
      `generated input not valid: ${JSON.stringify([...x12Report.errors, ...edifactReport.errors]).slice(0, 500)}`,
    );
  }
  const x12Sets = x12Report.interchanges[0]?.groups[0]?.messages.length ?? 0;
  const edifactMessages = edifactReport.interchanges[0]?.groups[0]?.messages.length ?? 0;

  const ours = {
    x12String: measure(x12Bytes.length, () => validate(x12)),
    x12Bytes: measure(x12Bytes.length, () => validate(x12Bytes)),
    edifactString: measure(edifactBytes.length, () => validate(edifact)),
    edifactBytes: measure(edifactBytes.length, () => validate(edifactBytes)),
  };
  const nodeX12 = measure(x12Bytes.length, () => new X12Parser(true).parse(x12));
  const edifactReader = measure(edifactBytes.length, () => new Reader().parse(edifact));

  const mb = (n: number) => round(n / 2 ** 20, 2);
  const rows = [
    {
      file: 'X12 850',
      parser: 'konsort validate (string)',
      MB: mb(x12Bytes.length),
      messages: x12Sets,
      median_ms: ours.x12String.medianMs,
      MB_per_s: ours.x12String.mbPerS,
    },
    {
      file: 'X12 850',
      parser: 'konsort validate (bytes)',
      MB: mb(x12Bytes.length),
      messages: x12Sets,
      median_ms: ours.x12Bytes.medianMs,
      MB_per_s: ours.x12Bytes.mbPerS,
    },
    {
      file: 'X12 850',
      parser: 'node-x12 1.7.1 strict parse',
      MB: mb(x12Bytes.length),
      messages: x12Sets,
      median_ms: nodeX12.medianMs,
      MB_per_s: nodeX12.mbPerS,
    },
    {
      file: 'EDIFACT ORDERS',
      parser: 'konsort validate (string)',
      MB: mb(edifactBytes.length),
      messages: edifactMessages,
      median_ms: ours.edifactString.medianMs,
      MB_per_s: ours.edifactString.mbPerS,
    },
    {
      file: 'EDIFACT ORDERS',
      parser: 'konsort validate (bytes)',
      MB: mb(edifactBytes.length),
      messages: edifactMessages,
      median_ms: ours.edifactBytes.medianMs,
      MB_per_s: ours.edifactBytes.mbPerS,
    },
    {
      file: 'EDIFACT ORDERS',
      parser: 'edifact 1.2.12 Reader',
      MB: mb(edifactBytes.length),
      messages: edifactMessages,
      median_ms: edifactReader.medianMs,
      MB_per_s: edifactReader.mbPerS,
    },
  ];
  printTable(`edi — median of ${REPETITIONS} runs`, rows);
  const backlog = await ediBacklog();
  printTable('edi — SFTP backlog through the portal (PostgreSQL), exactly once', [backlog]);
  return writeResult({
    name: 'edi',
    rows,
    ratios: {
      x12_speedup_vs_node_x12: round(ours.x12String.mbPerS / nodeX12.mbPerS, 2),
      x12_bytes_speedup_vs_node_x12: round(ours.x12Bytes.mbPerS / nodeX12.mbPerS, 2),
      edifact_speedup_vs_edifact_reader: round(ours.edifactString.mbPerS / edifactReader.mbPerS, 2),
      edifact_bytes_speedup_vs_edifact_reader: round(ours.edifactBytes.mbPerS / edifactReader.mbPerS, 2),
      backlog_files_per_s: backlog.filesPerS,
      backlog_files_per_s_vs_goal_200: round(backlog.filesPerS / 200, 2),
    },
    notes: [
      'konsort validate = tokenize + envelope/count/control-number validation + the body rules of the mapped documents, from a JS string or from bytes (incl. charset detection).',
      'node-x12: new X12Parser(true).parse(text); edifact: new Reader().parse(text). Same generated text for all.',
      `backlog: ${backlog.files} single-850 files in the inbox of a real OpenSSH sshd on loopback, bridge (runOnce) over SFTP → tRPC over HTTP → ingest on PostgreSQL, 997s written to outbox/ (temp name + rename), files archived after commit; verified exactly once (orders = processed messages = sent acks = files, no PO twice, inbox empty). Goal from issue #5: ≥ 200 files/s.`,
    ],
  });
}

/**
 * The backlog: `files` single-850 files waiting in a partner's SFTP inbox on a real OpenSSH
 * sshd (loopback, started here like the system suite does), processed exactly once by the bridge
 * (`runOnce`, the same code path as `pnpm edi run --once`) against an in-process portal on
 * PostgreSQL (HTTP + tRPC + the real ingest transaction): files/s, then verified — one order and one
 * processed message per file, one acknowledgement per file in outbox/, nothing left in the inbox.
 *
 * The files are placed into the sshd's folder on disk before the clock starts (staging is not what
 * is measured; the system suite covers uploads with the `sftp` client).
 */
export async function ediBacklog(files = Number(process.env.KONSORT_BENCH_EDI_FILES ?? 10_000)) {
  const { startEdiTestPortal } = await import('@konsort/api/testing');
  const { createPortalClient } = await import('../apps/edi-bridge/src/portal-client.ts');
  const { runOnce } = await import('../apps/edi-bridge/src/service.ts');
  const { haveSshd, startSshd } = await import('../apps/edi-bridge/src/testing/sshd.ts');
  const { mkdtemp, mkdir, writeFile, readdir, rm } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  if (!haveSshd) throw new Error('/usr/sbin/sshd is missing: the SFTP backlog needs a real OpenSSH server');
  const dir = await mkdtemp(join(tmpdir(), 'konsort-edi-bench-'));
  const [sshd, portal] = await Promise.all([startSshd(dir), startEdiTestPortal({ driver: 'postgres' })]);
  try {
    await portal.createProfile({
      name: 'bench',
      standard: 'x12',
      version: '004010',
      identifiers: { theirId: 'MUELLERGMBH', theirQualifier: 'ZZ', ourId: 'KONSORT', ourQualifier: 'ZZ' },
      transport: {
        kind: 'sftp',
        host: '127.0.0.1',
        port: sshd.port,
        username: sshd.username,
        privateKeyPath: sshd.bridgeKey,
        hostKeySha256: sshd.fingerprint,
      },
      pollIntervalSeconds: 1,
    });
    const template = generateX12(300); // the envelope and one 850
    const inbox = join(sshd.home, 'inbox');
    await mkdir(inbox, { recursive: true });
    for (let n = 0; n < files; n++) {
      const icn = String(200_000 + n).padStart(9, '0');
      await writeFile(
        join(inbox, `po-${n}.edi`),
        template.replaceAll('000000101', icn).replace('PO00001', `PO-${n}`),
      );
    }
    const client = createPortalClient({ KONSORT_PORTAL_URL: portal.url, KONSORT_API_KEY: portal.apiKey });
    const start = performance.now();
    const stats = await runOnce({ client, stabilityWaitMs: 200 });
    const seconds = (performance.now() - start) / 1000;
    const orders = await portal.orders();
    const messages = await portal.messages();
    const inbound = messages.filter((m) => m.direction === 'inbound' && m.status === 'processed').length;
    const sent = messages.filter((m) => m.direction === 'outbound' && m.status === 'sent').length;
    const left = (await readdir(inbox)).length;
    const acks = (await readdir(join(sshd.home, 'outbox'))).filter((n) => !n.endsWith('.tmp')).length;
    const distinctPos = new Set(orders.map((o) => o.poNumber)).size;
    const check = { stats, orders: orders.length, distinctPos, inbound, sent, acks, left };
    if (
      stats.processed !== files ||
      stats.failed !== 0 ||
      orders.length !== files ||
      distinctPos !== files ||
      inbound !== files ||
      sent !== files ||
      acks !== files ||
      left !== 0
    ) {
      throw new Error(`backlog not processed exactly once: ${JSON.stringify(check)}`);
    }
    return {
      transport: 'sftp (OpenSSH sshd, loopback)',
      files,
      seconds: round(seconds, 1),
      filesPerS: round(files / seconds, 1),
    };
  } finally {
    await portal.close();
    await sshd.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
