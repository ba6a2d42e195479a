import type { ConnectedMongo } from '../../../emulator/mongo/connect';
import { SeedProgress, terminalProgress } from '../../../emulator/mongo/seed';
import { ejsonLines, Scratch, seedRecording, startServer } from './helpers';

let mongo: ConnectedMongo;
let scratch: Scratch;
beforeAll(async () => {
  mongo = await startServer();
  scratch = new Scratch();
});
afterAll(async () => {
  await mongo.stop();
  scratch.remove();
});

function byCollection(events: SeedProgress[]): Map<string, SeedProgress[]> {
  const groups = new Map<string, SeedProgress[]>();
  for (const event of events) groups.set(event.collection, [...(groups.get(event.collection) ?? []), event]);
  return groups;
}

describe('progress callbacks', () => {
  it('report each generated collection from 0 to its known total, finishing exactly once', async () => {
    const { progress, result } = await seedRecording(mongo, 'sample_training:small');
    const groups = byCollection(progress);
    expect([...groups.keys()]).toEqual(result.collections.map((entry) => entry.collection));
    for (const entry of result.collections) {
      const events = groups.get(entry.collection) as SeedProgress[];
      expect(events[0]).toEqual({ source: 'sample_training:small', database: 'sample_training', collection: entry.collection, inserted: 0, total: entry.documents });
      expect(events.at(-1)).toMatchObject({ inserted: entry.documents, total: entry.documents });
      expect(events.filter((event) => event.inserted === event.total)).toHaveLength(1);
      for (let i = 1; i < events.length; i++) expect(events[i].inserted).toBeGreaterThan(events[i - 1].inserted);
    }
    await mongo.client.db('sample_training').dropDatabase();
  });

  it('report batches of a file whose size is unknown, then the total once it is done', async () => {
    scratch.write('batches/progress_db/rows.json', ejsonLines(Array.from({ length: 2_500 }, (_, i) => ({ _id: i })), true));
    const { progress } = await seedRecording(mongo, scratch.path('batches'));
    expect(progress.map((event) => [event.inserted, event.total])).toEqual([
      [0, undefined],
      [1000, undefined],
      [2000, undefined],
      [2500, 2500],
    ]);
  });
});

/** A stream double that records what is written. */
function fakeStream(isTTY: boolean): NodeJS.WriteStream & { output: string } {
  const stream = { isTTY, output: '', write(text: string) { stream.output += text; return true; } };
  return stream as unknown as NodeJS.WriteStream & { output: string };
}

const event = (inserted: number, total?: number): SeedProgress => ({ source: 'sample_training', database: 'sample_training', collection: 'routes', inserted, total });

describe('terminalProgress', () => {
  it('redraws one line in place on a TTY, at most every 100 ms, and leaves a summary line when a collection is done', () => {
    jest.useFakeTimers({ now: 1_000_000 });
    try {
      const stream = fakeStream(true);
      const report = terminalProgress(stream);
      report(event(0, 66_985));
      jest.advanceTimersByTime(50);
      report(event(1_000, 66_985)); // too soon: not drawn
      jest.advanceTimersByTime(50);
      report(event(33_500, 66_985));
      report(event(66_985, 66_985)); // the end is always drawn
      expect(stream.output).toBe(
        '\r\x1b[2Kseeding sample_training.routes: 0 / 66,985 (0%)' +
          '\r\x1b[2Kseeding sample_training.routes: 33,500 / 66,985 (50%)' +
          '\r\x1b[2Kseeded sample_training.routes: 66,985 documents\n',
      );
    } finally {
      jest.useRealTimers();
    }
  });

  it('shows a running count when the total is unknown', () => {
    const stream = fakeStream(true);
    terminalProgress(stream)(event(12_000));
    expect(stream.output).toBe('\r\x1b[2Kseeding sample_training.routes: 12,000 documents');
  });

  it('writes only the summary lines when the stream is not a TTY', () => {
    const stream = fakeStream(false);
    const report = terminalProgress(stream);
    report(event(0, 2_000));
    report(event(1_000, 2_000));
    report(event(2_000, 2_000));
    report({ ...event(0), collection: 'zips' });
    report({ ...event(5, 5), collection: 'zips' });
    expect(stream.output).toBe('seeded sample_training.routes: 2,000 documents\nseeded sample_training.zips: 5 documents\n');
  });
});
