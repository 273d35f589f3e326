export { Planner, summarizeResults, type PlannerOptions } from './planner';
export { InMemoryConversationStore } from './conversations';
export { STATIC_SYSTEM_PROMPT, buildTools, buildSystem, renderHome, entityLine, wrapUntrusted, historyMessages } from './prompt';
export * from './types';
