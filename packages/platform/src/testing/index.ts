export * from './messaging-fixtures';
export * from './test-infrastructure';
export * from './topic-reader';
export * from './unique';
export * from './stripe/stripe-test-server';
export * from './publish-event';
