import type { Language } from '../i18n.ts';
import { de } from './de.ts';
import { en, type TranslationKey } from './en.ts';

export type { TranslationKey };
export const uiResources: Record<Language, Record<TranslationKey, string>> = { de, en };
