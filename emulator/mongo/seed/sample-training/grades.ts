/**
 * sample_training.grades: ten classes per student, each with an exam, a quiz and two homework
 * scores. As in the real collection, student_id, class_id and the scores are doubles. A student's
 * scores cluster around their own level, so per-student averages mean something.
 */
import { Double, Document } from 'bson';
import { objectIds, Random } from './random';

const CLASSES_PER_STUDENT = 10;
const CLASS_IDS = Array.from({ length: 501 }, (_, id) => id);

function score(random: Random, level: number, spread: number): Double {
  return new Double(Math.min(100, Math.max(0, random.normal(level, spread))));
}

export function* generateGrades(count: number): Generator<Document> {
  const random = new Random('sample_training.grades');
  const nextId = objectIds('grades', 0x56d5f7eb);
  let level = 0;
  let classes: number[] = [];
  for (let i = 0; i < count; i++) {
    const slot = i % CLASSES_PER_STUDENT;
    if (slot === 0) {
      level = random.normal(62, 14);
      classes = random.sample(CLASS_IDS, CLASSES_PER_STUDENT);
    }
    yield {
      _id: nextId(),
      student_id: new Double(Math.floor(i / CLASSES_PER_STUDENT)),
      scores: [
        { type: 'exam', score: score(random, level, 18) },
        { type: 'quiz', score: score(random, level, 20) },
        { type: 'homework', score: score(random, level + 8, 18) },
        { type: 'homework', score: score(random, level + 8, 18) },
      ],
      class_id: new Double(classes[slot]),
    };
  }
}
