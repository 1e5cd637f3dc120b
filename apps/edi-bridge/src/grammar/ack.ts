/**
 * Acknowledgements for a validation report: X12 TA1/997 or EDIFACT CONTRL, one acknowledgement
 * interchange per received interchange. Control numbers start at the caller's values and are
 * incremented per interchange/group produced; `next` tells the caller where to continue.
 */
import { buildEdifactAcknowledgement, type EdifactAckOptions } from './edifact/contrl.ts';
import type { EdiGenerateError } from './generate-error.ts';
import type { ValidationReport } from './types.ts';
import { buildX12Acknowledgement, type X12AckOptions } from './x12/ack.ts';

export interface X12AckProfile
  extends Omit<X12AckOptions, 'interchangeControlNumber' | 'groupControlNumber'> {
  standard: 'x12';
  controlNumbers: { interchange: number; group: number };
}

export interface EdifactAckProfile extends Omit<EdifactAckOptions, 'interchangeReference'> {
  standard: 'edifact';
  controlNumbers: { interchange: number };
  /** When to send a CONTRL: always (default), only when UNB 0031 asks, or when asked or rejected. */
  when?: 'always' | 'requested' | 'requested-or-error';
}

export type AckProfile = X12AckProfile | EdifactAckProfile;

export interface Acknowledgement {
  /** Index of the acknowledged interchange in the report. */
  interchangeIndex: number;
  kind: 'TA1' | '997' | 'TA1+997' | 'CONTRL';
  /** Control number of the acknowledgement interchange. */
  controlNumber: string;
  text: string;
}

export interface AckResult {
  /** All acknowledgement interchanges, concatenated (one file). */
  text: string;
  acknowledgements: Acknowledgement[];
  /** Interchanges not acknowledged, with the reason. */
  skipped: Array<{ interchangeIndex: number; reason: string }>;
  /** Acknowledgements that could not be written (e.g. received IDs too long for the ISA). */
  failures: Array<{ interchangeIndex: number; error: EdiGenerateError }>;
  /** Control numbers to use next time. */
  next: { interchange: number; group?: number };
}

export function buildAcknowledgement(report: ValidationReport, profile: AckProfile): AckResult {
  const acknowledgements: Acknowledgement[] = [];
  const skipped: AckResult['skipped'] = [];
  const failures: AckResult['failures'] = [];
  let interchange = profile.controlNumbers.interchange;
  let group = profile.standard === 'x12' ? profile.controlNumbers.group : undefined;
  if (report.interchanges.length === 0) {
    skipped.push({
      interchangeIndex: -1,
      reason: `No interchange could be read (${report.errors.map((e) => e.code).join(', ') || 'no data'}); there is no envelope to acknowledge.`,
    });
  }
  report.interchanges.forEach((ic, index) => {
    if (ic.standard !== profile.standard) {
      skipped.push({
        interchangeIndex: index,
        reason: `The interchange is ${ic.standard}, the profile is ${profile.standard}.`,
      });
      return;
    }
    if (profile.standard === 'x12') {
      const outcome = buildX12Acknowledgement(ic, {
        ...profile,
        interchangeControlNumber: interchange,
        groupControlNumber: group ?? 1,
      });
      if (!outcome.result) {
        skipped.push({
          interchangeIndex: index,
          reason: 'Nothing to acknowledge (no TA1 wanted, only acknowledgement groups).',
        });
        return;
      }
      if (!outcome.result.ok) {
        failures.push({ interchangeIndex: index, error: outcome.result.error });
        return;
      }
      acknowledgements.push({
        interchangeIndex: index,
        kind: outcome.kind === 'none' ? 'TA1' : outcome.kind,
        controlNumber: String(interchange).padStart(9, '0'),
        text: outcome.result.text,
      });
      interchange++;
      if (outcome.transactionSets > 0 && group !== undefined) group++;
      return;
    }
    const onlyContrl =
      ic.groups.length > 0 && ic.groups.every((g) => g.messages.every((m) => m.type === 'CONTRL'));
    if (onlyContrl) {
      skipped.push({
        interchangeIndex: index,
        reason: 'The interchange carries CONTRL messages only; acknowledgements are not acknowledged.',
      });
      return;
    }
    const when = profile.when ?? 'always';
    if (when === 'requested' && !ic.ackRequested) {
      skipped.push({ interchangeIndex: index, reason: 'UNB 0031 does not request an acknowledgement.' });
      return;
    }
    if (when === 'requested-or-error' && !ic.ackRequested && ic.status !== 'rejected') {
      skipped.push({ interchangeIndex: index, reason: 'Not requested and no error to report.' });
      return;
    }
    const outcome = buildEdifactAcknowledgement(ic, {
      ...profile,
      interchangeReference: String(interchange),
    });
    if (!outcome.result.ok) {
      failures.push({ interchangeIndex: index, error: outcome.result.error });
      return;
    }
    acknowledgements.push({
      interchangeIndex: index,
      kind: 'CONTRL',
      controlNumber: String(interchange),
      text: outcome.result.text,
    });
    interchange++;
  });
  return {
    text: acknowledgements.map((a) => a.text).join(''),
    acknowledgements,
    skipped,
    failures,
    next: group === undefined ? { interchange } : { interchange, group },
  };
}
