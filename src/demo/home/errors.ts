/** Mirrors Home Assistant's error classes; `code` is the WebSocket error code the demo home answers with. */
export class HomeError extends Error {
  constructor(
    public readonly code:
      | 'not_found'
      | 'invalid_format'
      | 'invalid_info'
      | 'service_validation_error'
      | 'home_assistant_error'
      | 'not_supported',
    message: string,
  ) {
    super(message);
    this.name = 'HomeError';
  }
}
