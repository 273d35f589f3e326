export { HomeModel, HomeModelError } from './home';
export { IntentRecognizer, detectLanguage, languageOf } from './recognizer';
export { handleIntent, type IntentOutcome, type IntentAction } from './handler';
export type { RecognizedIntent, Language, RecognizeContext } from './types';
