/**
 * sample_training.posts: blog posts by "machine" whose bodies read like floor speeches, with ten
 * tags, random-letter permalinks and lorem-ipsum comments from invented people, as in the real
 * collection.
 */
import type { Document } from 'bson';
import { fixtures } from './fixtures';
import { objectIds, Random } from './random';

const START = Date.UTC(2012, 0, 1);

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function* generatePosts(count: number): Generator<Document> {
  const random = new Random('sample_training.posts');
  const nextId = objectIds('posts', 0x50ab0f8b);
  const { titles, tags, openings, subjects, clauses, lorem } = fixtures.posts();
  const { firstNames, lastNames } = fixtures.people();
  let time = START;

  const sentence = () => (random.chance(0.5)
    ? `${random.pick(openings)} ${random.pick(subjects)}, ${random.pick(clauses)}.`
    : `Let us speak plainly about ${random.pick(subjects)}, ${random.pick(clauses)}.`);
  const paragraph = () => Array.from({ length: random.int(3, 7) }, sentence).join(' ');
  const loremText = () => capitalize(Array.from({ length: random.int(20, 80) }, () => random.pick(lorem)).join(' ')) + '.';

  for (let i = 0; i < count; i++) {
    time += Math.round(random.exponential(86_400 * 0.7)) * 1000;
    const title = random.pick(titles);
    const body = `${title}\n` + Array.from({ length: random.int(3, 8) }, () => `<p>${paragraph()}</p>`).join('\n');
    yield {
      _id: nextId(),
      body,
      permalink: random.letters(20),
      author: 'machine',
      title,
      tags: random.sample(tags, 10),
      comments: Array.from({ length: random.int(0, 40) }, () => ({
        body: loremText(),
        email: `${random.letters(8)}@${random.letters(8)}.com`,
        author: `${random.pick(firstNames)} ${random.pick(lastNames)}`,
      })),
      date: new Date(time),
    };
  }
}
