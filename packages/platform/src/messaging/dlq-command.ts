/**
 * `npm run dlq -- list | replay <dead-letter topic>`
 *   list    every `<topic>.dlq.<consumer>` with its messages and how many are not replayed yet
 *   replay  sends a dead-letter topic's messages back to their original topic (see replayDeadLetters); fix the cause
 *           first — the consumer that failed gets them again, every other consumer skips them as duplicates
 */
import { Kafka, logLevel } from 'kafkajs';
import { infrastructureConfigFromEnv } from '../config/infrastructure-config';
import { deadLetterTopics, replayDeadLetters } from './dead-letter-replay';

const [command, topic] = process.argv.slice(2);
const kafka = new Kafka({ brokers: infrastructureConfigFromEnv().kafkaBrokers, clientId: 'dlq-command', logLevel: logLevel.ERROR });

if (command === 'list') {
  const states = await deadLetterTopics(kafka);
  if (states.length === 0) console.log('no dead-letter topics');
  for (const state of states) console.log(`${state.topic}  messages=${state.messages} pending=${state.pending}`);
} else if (command === 'replay' && topic?.includes('.dlq.')) {
  const replayed = await replayDeadLetters(kafka, topic);
  console.log(`replayed ${replayed} message(s) from ${topic}`);
} else {
  console.error('usage: npm run dlq -- list | replay <topic>.dlq.<consumer>');
  process.exitCode = 2;
}
