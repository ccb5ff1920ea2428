import express from 'express'
import { announce, openBenchDb, realisticWork } from './common.ts'

const app = express()
const db = openBenchDb()
app.get('/hello', (_req, res) => {
  res.json({ hello: 'world' })
})
app.post('/orders', express.json(), (req, res) => {
  res.json(realisticWork(db, req.body))
})
const server = app.listen(0, '127.0.0.1', () => announce((server.address() as { port: number }).port))
