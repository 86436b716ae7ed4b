export * from './test-infrastructure';
export * from './unique';
