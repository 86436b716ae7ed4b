/** Composition root of the console process: configuration from the environment, Kafka and the codec for operations. */
import { join } from 'node:path';
import { AvroCodec, createLogger, repositoryRoot, SchemaCatalog } from '@billing/platform';
import { Kafka, logLevel } from 'kafkajs';
import { consoleConfigFromEnv } from './config';
import { createConsoleApp } from './console-app';
import { serviceConsumerGroups } from './operations/consumer-groups';
import { KafkaOperations } from './operations/kafka-operations';

const logger = createLogger('console');
try {
  const config = consoleConfigFromEnv();
  // Short retries: the Operations page answers in seconds with "Kafka does not answer" rather than hang on a broker outage.
  const kafka = new Kafka({ brokers: config.kafkaBrokers, clientId: 'console', logLevel: logLevel.NOTHING, connectionTimeout: 2_000, retry: { retries: 2 } });
  const app = await createConsoleApp({
    users: config.users,
    serviceToken: config.serviceToken,
    serviceUrls: config.serviceUrls,
    operations: new KafkaOperations({ kafka, codec: new AvroCodec(config.schemaRegistryUrl, SchemaCatalog.fromDirectory()), serviceUrls: config.serviceUrls, consumerGroups: serviceConsumerGroups }),
    appDir: process.env.CONSOLE_APP_DIR ?? join(repositoryRoot(), 'console', 'dist', 'app'),
    logger,
    trustProxy: config.trustProxy,
  });
  await app.listen({ host: config.host, port: config.port });
  logger.info({ url: `http://${config.host}:${config.port}`, users: config.users.length }, 'console listening');
  const stop = (signal: NodeJS.Signals) => {
    logger.info({ signal }, 'shutting down');
    app.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
} catch (error) {
  logger.fatal({ err: error }, `console could not start: ${(error as Error).message}`);
  process.exit(1);
}
