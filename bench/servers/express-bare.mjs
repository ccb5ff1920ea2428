/** Express, no observability. */
import express from 'express'
import { announce } from './common.mjs'

const app = express()
app.get('/users/:id', (req, res) => {
  res.json({ id: req.params.id })
})
const server = app.listen(0, '127.0.0.1', () => announce(server))
